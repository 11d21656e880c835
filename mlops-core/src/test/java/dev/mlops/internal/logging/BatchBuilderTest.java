package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import dev.mlops.spi.BatchLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BatchBuilder and LogBatch.split")
class BatchBuilderTest {

  private static final BatchLimits SMALL = new BatchLimits(2, 2, 2, 3, 1_000);

  @Test
  @DisplayName("a synchronous write is cut into batches that keep every limit and the order")
  void splitKeepsLimitsAndOrder() {
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      metrics.add(new Metric("m", i, 1, i));
    }
    List<Param> params = List.of(new Param("a", "1"), new Param("b", "2"), new Param("c", "3"));
    List<Tag> tags = List.of(new Tag("t", "x"));

    List<LogBatch> batches = LogBatch.split("r", metrics, params, tags, SMALL);

    for (LogBatch b : batches) {
      assertThat(b.metrics()).hasSizeLessThanOrEqualTo(2);
      assertThat(b.params()).hasSizeLessThanOrEqualTo(2);
      assertThat(b.tags()).hasSizeLessThanOrEqualTo(2);
      assertThat(b.size()).isLessThanOrEqualTo(3);
      assertThat(b.runId()).isEqualTo("r");
    }
    assertThat(batches.stream().flatMap(b -> b.metrics().stream()).toList()).isEqualTo(metrics);
    assertThat(batches.stream().flatMap(b -> b.params().stream()).toList()).isEqualTo(params);
    assertThat(batches.stream().mapToInt(LogBatch::points).sum()).isEqualTo(9);
  }

  @Test
  @DisplayName("nothing to write gives no batch")
  void emptySplit() {
    assertThat(LogBatch.split("r", List.of(), List.of(), List.of(), SMALL)).isEmpty();
  }

  @Test
  @DisplayName(
      "a repeated param with the same value is folded, with another value it starts a new batch")
  void repeatedParams() {
    BatchBuilder b = new BatchBuilder("r", BatchLimits.MLFLOW);
    assertThat(b.addParam("alpha", "1")).isTrue();
    assertThat(b.addParam("alpha", "1")).isTrue();
    assertThat(b.addParam("alpha", "2")).isFalse();

    LogBatch first = b.take();
    assertThat(first.params()).containsExactly(new Param("alpha", "1"));
    assertThat(first.points()).isEqualTo(2);
    assertThat(b.isEmpty()).isTrue();
    assertThat(b.addParam("alpha", "2")).isTrue();
  }

  @Test
  @DisplayName("a tag set twice in one batch keeps its last value")
  void repeatedTags() {
    BatchBuilder b = new BatchBuilder("r", BatchLimits.MLFLOW);
    b.addTag("team", "a");
    b.addMetric("m", 1, 1, 1);
    b.addTag("team", "b");

    LogBatch batch = b.take();
    assertThat(batch.tags()).containsExactly(new Tag("team", "b"));
    assertThat(batch.points()).isEqualTo(3);
  }

  @Test
  @DisplayName("the byte estimate closes a batch, but a single large entity still goes out alone")
  void byteLimit() {
    BatchBuilder b = new BatchBuilder("r", new BatchLimits(100, 100, 100, 100, 250));
    assertThat(b.addTag("big", "x".repeat(500))).isTrue();
    assertThat(b.addMetric("m", 1, 1, 1)).isFalse();
    assertThat(b.take().tags()).hasSize(1);
    assertThat(b.addMetric("m", 1, 1, 1)).isTrue();
    assertThat(b.addParam("p", "é".repeat(60))).isTrue(); // 65 + 153 bytes
    assertThat(b.addParam("q", "é".repeat(60))).isFalse();
  }

  @Test
  @DisplayName("UTF-8 lengths are counted, not characters")
  void utf8Length() {
    assertThat(BatchBuilder.utf8Length("abc")).isEqualTo(3);
    assertThat(BatchBuilder.utf8Length("é")).isEqualTo(2);
    assertThat(BatchBuilder.utf8Length("€")).isEqualTo(3);
    assertThat(BatchBuilder.utf8Length("😀")).isEqualTo(4);
  }

  @Test
  @DisplayName("key lists in messages are distinct and capped")
  void describeKeys() {
    LogBatch batch =
        LogBatch.of(
            "r",
            List.of(new Metric("a", 1, 1, 1), new Metric("a", 2, 1, 2), new Metric("b", 1, 1, 1)),
            List.of(new Param("p", "1")),
            List.of());
    assertThat(batch.describeKeys(1)).isEqualTo("params [p], metrics [a, ... 1 more]");
  }
}
