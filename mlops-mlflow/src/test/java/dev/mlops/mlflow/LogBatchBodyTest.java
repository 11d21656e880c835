package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service;

@DisplayName("The log-batch body encoder")
class LogBatchBodyTest {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  /** Strings a JSON encoder gets wrong first: escapes, control characters, every UTF-8 length. */
  private static final List<String> AWKWARD =
      List.of(
          "",
          "loss",
          "a\"quoted\"key",
          "back\\slash",
          "tab\tnew\nline\rcr\u0000nul\u001fus\u007fdel",
          "é ß ✓ 中文",
          "emoji 🚀 pair",
          "lone \ud800 high and \udc00 low",
          "ends with high \ud83d",
          "x".repeat(5_000));

  @Test
  @DisplayName(
      "writes every metric, param and tag so that a JSON parser reads back exactly the same values")
  void roundTrip() throws Exception {
    Random random = new Random(42);
    List<Metric> metrics = new ArrayList<>();
    double[] values = {
      0, -0.0, 1, -1, 0.1, 1e-5, 1e-300, 4.9e-324, 1.7976931348623157e308, 123456.789, -2.5e-12
    };
    long[] longs = {0, 1, -1, 9, 10, 99, 1_764_436_800_000L, Long.MAX_VALUE, Long.MIN_VALUE};
    for (int i = 0; i < 2_000; i++) {
      double v = i < values.length ? values[i] : random.nextGaussian() * Math.pow(10, i % 40 - 20);
      long ts = longs[i % longs.length];
      long step = i < longs.length ? longs[longs.length - 1 - i] : random.nextLong();
      metrics.add(new Metric(AWKWARD.get(i % AWKWARD.size()), v, ts, step));
    }
    List<Param> params = AWKWARD.stream().map(s -> new Param("p" + s.length(), s)).toList();
    List<Tag> tags = AWKWARD.stream().map(s -> new Tag(s.isEmpty() ? "t" : s, s)).toList();

    byte[] body = LogBatchBody.write("run\"1", metrics, params, tags);
    JsonNode json = PLAIN.readTree(body);

    assertThat(json.get("run_id").asText()).isEqualTo("run\"1");
    for (int i = 0; i < metrics.size(); i++) {
      JsonNode m = json.get("metrics").get(i);
      Metric want = metrics.get(i);
      assertThat(m.get("key").asText()).as("key %d", i).isEqualTo(jsonText(want.key()));
      assertThat(Double.doubleToRawLongBits(m.get("value").asDouble()))
          .as("value %d: %s", i, want.value())
          .isEqualTo(Double.doubleToRawLongBits(want.value()));
      assertThat(m.get("timestamp").asLong()).isEqualTo(want.timestamp());
      assertThat(m.get("step").asLong()).isEqualTo(want.step());
    }
    for (int i = 0; i < params.size(); i++) {
      assertThat(json.get("params").get(i).get("value").asText())
          .isEqualTo(jsonText(params.get(i).value()));
      assertThat(json.get("tags").get(i).get("key").asText())
          .isEqualTo(jsonText(tags.get(i).key()));
    }
  }

  @Test
  @DisplayName("is read by MLflow's strict protobuf JSON parser into the official LogBatch message")
  void strictProtoParser() throws Exception {
    List<Metric> metrics =
        List.of(new Metric("loss", 0.25, 1_764_436_800_000L, 3), new Metric("é", -1e-7, 5, 0));
    byte[] body =
        LogBatchBody.write(
            "abc", metrics, List.of(new Param("lr", "0.1")), List.of(new Tag("team", "risk ✓")));

    Service.LogBatch batch =
        ProtoJson.parseStrict(
                new String(body, StandardCharsets.UTF_8), Service.LogBatch.newBuilder())
            .build();

    assertThat(batch.getRunId()).isEqualTo("abc");
    assertThat(batch.getMetricsList())
        .extracting(Service.Metric::getKey, Service.Metric::getValue, Service.Metric::getStep)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("loss", 0.25, 3L),
            org.assertj.core.groups.Tuple.tuple("é", -1e-7, 0L));
    assertThat(batch.getMetrics(0).getTimestamp()).isEqualTo(1_764_436_800_000L);
    assertThat(batch.getParams(0).getValue()).isEqualTo("0.1");
    assertThat(batch.getTags(0).getValue()).isEqualTo("risk ✓");
  }

  @Test
  @DisplayName("leaves out empty lists, as MLflow's own clients do")
  void emptyLists() throws Exception {
    JsonNode json = PLAIN.readTree(LogBatchBody.write("r", List.of(), List.of(), List.of()));
    assertThat(json.size()).isEqualTo(1);
    assertThat(json.get("run_id").asText()).isEqualTo("r");
  }

  /** What a JSON parser gives back for {@code s}: a lone surrogate stays a lone surrogate. */
  private static String jsonText(String s) throws Exception {
    return PLAIN.readTree(PLAIN.writeValueAsBytes(s)).asText();
  }
}
