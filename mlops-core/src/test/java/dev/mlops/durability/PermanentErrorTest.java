package dev.mlops.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.InvalidInputException;
import dev.mlops.LoggingError;
import dev.mlops.LoggingStats;
import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Permanent logging errors")
@Timeout(60)
class PermanentErrorTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backpressure.class)
  @DisplayName(
      "a rejected param and a deleted run are reported with their run and keys, to flush and to the"
          + " listener, while another run keeps logging")
  void rejectionsNameRunAndKeys(Backpressure mode) throws Exception {
    List<LoggingError> errors = new CopyOnWriteArrayList<>();
    Path db = dir.resolve("mlflow.db");
    try (Mlops mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + db)
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .journalDir(dir.resolve("journal"))
            .backpressure(mode)
            .onLoggingError(errors::add)
            .build()) {
      ActiveRun steady = mlops.tracking().startRun("errors");
      ActiveRun conflicting = mlops.tracking().startRun("errors");
      ActiveRun deleted = mlops.tracking().startRun("errors");
      conflicting.logParam("alpha", "1");
      conflicting.flush();
      deleted.logMetric("acc", 0.5, 0);
      deleted.flush();
      mlops.tracking().deleteRun(deleted.runId());

      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread producer =
          new Thread(
              () -> {
                try {
                  for (int step = 0; step < 10_000; step++) {
                    steady.logMetric("loss", 1.0 / (step + 1), step);
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      producer.start();
      conflicting.logParam("alpha", "2");
      conflicting.logMetric("loss", 0.1, 1);
      deleted.logMetric("acc", 0.6, 1);
      deleted.setTag("note", "late");
      producer.join();

      assertThatThrownBy(conflicting::flush)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(conflicting.runId())
          .hasMessageContaining("params [alpha]");
      // The metric and the tag fail in one batch, or in two when the writer took them apart; the
      // second failure is then attached as suppressed.
      Throwable rejected = catchThrowable(deleted::flush);
      assertThat(rejected)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(deleted.runId())
          .hasMessageContaining("acc");
      assertThat(
              Stream.concat(Stream.of(rejected), Arrays.stream(rejected.getSuppressed()))
                  .map(Throwable::getMessage))
          .anySatisfy(m -> assertThat(m).contains("note"));
      steady.flush();

      assertThat(failure.get()).isNull();
      assertThat(MetricRows.of(db, steady.runId()))
          .containsOnlyKeys("loss")
          .hasValueSatisfying(new Condition<>(MetricRows::contiguousOnce, "0..9999 once"));
      assertThat(MetricRows.of(db, conflicting.runId()).get("loss").rows()).isEqualTo(1);
      assertThat(errors)
          .anySatisfy(
              e -> {
                assertThat(e.runId()).isEqualTo(conflicting.runId());
                assertThat(e.keys()).containsExactly("params.alpha");
                assertThat(e.isTransient()).isFalse();
              })
          .noneSatisfy(e -> assertThat(e.runId()).isEqualTo(steady.runId()));
      List<LoggingError> deletedErrors =
          errors.stream().filter(e -> e.runId().equals(deleted.runId())).toList();
      assertThat(deletedErrors)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.error()).hasMessageContaining(deleted.runId()));
      assertThat(deletedErrors.stream().flatMap(e -> e.keys().stream()))
          .contains("metrics.acc", "tags.note");
      LoggingStats stats = mlops.loggingStats();
      assertThat(stats.backpressure()).isEqualTo(mode);
      assertThat(stats.pointsFailed()).isEqualTo(3);
      assertThat(stats.pointsSent()).isGreaterThanOrEqualTo(10_000 + 3);
      assertThat(stats.lastErrorMessage()).isPresent();
      steady.close();
      conflicting.close();
    }
  }
}
