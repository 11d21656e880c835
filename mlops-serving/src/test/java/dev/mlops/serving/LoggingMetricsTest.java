package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LoggingMetrics")
@Timeout(60)
class LoggingMetricsTest {

  private static final List<String> GAUGES =
      List.of(
          "mlops.logging.queue.depth",
          "mlops.logging.queue.capacity",
          "mlops.logging.journal.bytes");
  private static final List<String> COUNTERS =
      List.of(
          "mlops.logging.points.sent",
          "mlops.logging.batches.sent",
          "mlops.logging.points.failed",
          "mlops.logging.retries");

  @TempDir Path dir;
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  private Mlops open(Backpressure mode) {
    return Mlops.builder()
        .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .journalDir(dir.resolve("journal"))
        .backpressure(mode)
        .build();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double counter(String name) {
    return registry.get(name).functionCounter().count();
  }

  @Test
  @DisplayName(
      "every figure of the logging stats is a meter under mlops.logging, with its type, unit,"
          + " description and the extra tags")
  void metersHaveNamesUnitsAndTags() {
    try (Mlops mlops = open(Backpressure.SPILL)) {
      new LoggingMetrics(mlops, Tags.of("mlops", "training")).bindTo(registry);

      assertThat(registry.getMeters())
          .map(m -> m.getId().getName())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(GAUGES.stream(), COUNTERS.stream()).toList());
      for (Meter m : registry.getMeters()) {
        assertThat(m.getId().getTags())
            .as(m.getId().getName())
            .contains(Tag.of("mlops", "training"));
        assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank();
      }
      assertThat(GAUGES)
          .allSatisfy(n -> assertThat(registry.get(n).meter()).isInstanceOf(Gauge.class));
      assertThat(COUNTERS)
          .allSatisfy(n -> assertThat(registry.get(n).meter()).isInstanceOf(FunctionCounter.class));
      Meter.Id depth = registry.get("mlops.logging.queue.depth").gauge().getId();
      assertThat(depth.getBaseUnit()).isEqualTo("points");
      assertThat(depth.getTag("backpressure")).isEqualTo("spill");
      assertThat(
              registry.get("mlops.logging.queue.capacity").gauge().getId().getTag("backpressure"))
          .isEqualTo("spill");
      assertThat(registry.get("mlops.logging.journal.bytes").gauge().getId().getBaseUnit())
          .isEqualTo("bytes");
      assertThat(gauge("mlops.logging.queue.capacity"))
          .isEqualTo(mlops.loggingStats().queueCapacity())
          .isPositive();
    }
  }

  @Test
  @DisplayName(
      "after 2,500 metric points are logged and flushed, points.sent counts them, batches.sent"
          + " moved and the queue is empty")
  void countsWhatWasSent() {
    try (Mlops mlops = open(Backpressure.BLOCK);
        ActiveRun run = mlops.tracking().startRun("metrics")) {
      new LoggingMetrics(mlops).bindTo(registry);
      double sentBefore = counter("mlops.logging.points.sent");
      double batchesBefore = counter("mlops.logging.batches.sent");

      for (int step = 0; step < 2_500; step++) {
        run.logMetric("loss", 1.0 / (step + 1), step);
      }
      run.flush();

      assertThat(counter("mlops.logging.points.sent") - sentBefore).isEqualTo(2_500);
      assertThat(counter("mlops.logging.batches.sent") - batchesBefore).isPositive();
      assertThat(gauge("mlops.logging.queue.depth")).isZero();
      assertThat(counter("mlops.logging.points.failed")).isZero();
      assertThat(counter("mlops.logging.retries")).isZero();
    }
  }

  @Test
  @DisplayName(
      "with SPILL, journal.bytes reads 0 once everything logged was sent and the Mlops closed")
  void journalDrains() {
    Mlops mlops = open(Backpressure.SPILL);
    new LoggingMetrics(mlops).bindTo(registry);
    try (ActiveRun run = mlops.tracking().startRun("metrics")) {
      for (int step = 0; step < 1_000; step++) {
        run.logMetric("loss", step, step);
      }
    }
    mlops.close();

    assertThat(counter("mlops.logging.points.sent")).isGreaterThanOrEqualTo(1_000);
    assertThat(gauge("mlops.logging.journal.bytes")).isZero();
    assertThat(gauge("mlops.logging.queue.depth")).isZero();
  }

  @Test
  @DisplayName(
      "with SPILL and a backend that refuses every write, journal.bytes counts the points kept"
          + " for the next Mlops, before and after close")
  void journalKeepsWhatWasNotSent() {
    Mlops mlops =
        Mlops.builder()
            .trackingUri(FlakyStoreProvider.SCHEME + ":///" + dir.resolve("mlflow.db"))
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .journalDir(dir.resolve("journal"))
            .backpressure(Backpressure.SPILL)
            .closeTimeout(Duration.ofMillis(200))
            .setting("FLAKY_FAILURES", String.valueOf(Integer.MAX_VALUE))
            .build();
    new LoggingMetrics(mlops).bindTo(registry);
    ActiveRun run = mlops.tracking().startRun("metrics");
    for (int step = 0; step < 100; step++) {
      run.logMetric("loss", step, step);
    }

    assertThat(gauge("mlops.logging.journal.bytes")).isPositive();
    mlops.close();
    assertThat(gauge("mlops.logging.journal.bytes"))
        .isPositive()
        .isEqualTo(mlops.loggingStats().journalBytes());
    assertThat(counter("mlops.logging.points.sent")).isZero();
  }

  @Test
  @DisplayName("a param the store rejects moves points.failed")
  void rejectionsAreCounted() {
    try (Mlops mlops = open(Backpressure.BLOCK);
        ActiveRun run = mlops.tracking().startRun("metrics")) {
      new LoggingMetrics(mlops).bindTo(registry);
      run.logParam("alpha", "1");
      run.flush();
      run.logParam("alpha", "2");

      assertThatThrownBy(run::flush).isInstanceOf(InvalidInputException.class);
      assertThat(counter("mlops.logging.points.failed")).isEqualTo(1);
      assertThat(counter("mlops.logging.retries")).isZero();
    }
  }

  @Test
  @DisplayName(
      "batch writes refused twice by an unavailable backend count 2 retries, then the points are"
          + " sent and none failed")
  void retriesAreCounted() {
    try (Mlops mlops =
            Mlops.builder()
                .trackingUri(FlakyStoreProvider.SCHEME + ":///" + dir.resolve("mlflow.db"))
                .workingDirectory(dir)
                .cacheDir(dir.resolve("cache"))
                .setting("FLAKY_FAILURES", "2")
                .build();
        ActiveRun run = mlops.tracking().startRun("metrics")) {
      new LoggingMetrics(mlops).bindTo(registry);
      for (int step = 0; step < 10; step++) {
        run.logMetric("loss", step, step);
      }
      run.flush();

      assertThat(counter("mlops.logging.retries")).isEqualTo(2);
      assertThat(counter("mlops.logging.points.sent")).isEqualTo(10);
      assertThat(counter("mlops.logging.points.failed")).isZero();
    }
  }

  @Test
  @DisplayName("after the Mlops is closed, every meter still reads, with its final figures")
  void readableAfterClose() {
    Mlops mlops = open(Backpressure.BLOCK);
    try (ActiveRun run = mlops.tracking().startRun("metrics")) {
      new LoggingMetrics(mlops).bindTo(registry);
      run.logMetric("loss", 0.5, 0);
    }
    mlops.close();

    assertThat(counter("mlops.logging.points.sent"))
        .isEqualTo(mlops.loggingStats().pointsSent())
        .isPositive();
    assertThat(gauge("mlops.logging.queue.depth")).isEqualTo(mlops.loggingStats().queueDepth());
    assertThat(gauge("mlops.logging.journal.bytes")).isZero();
    for (Meter m : registry.getMeters()) {
      assertThat(m.measure()).as(m.getId().getName()).isNotEmpty();
    }
  }

  @Test
  @DisplayName(
      "the meters do not keep the Mlops alive: once it is collected, gauges read NaN and counters"
          + " keep their last values")
  void holdsTheMlopsWeakly() {
    WeakReference<Mlops> ref = logOnceAndClose();

    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
    }

    assertThat(ref.get()).as("the closed Mlops is garbage collected").isNull();
    assertThat(gauge("mlops.logging.queue.depth")).isNaN();
    assertThat(gauge("mlops.logging.journal.bytes")).isNaN();
    assertThat(counter("mlops.logging.points.sent")).isEqualTo(1);
  }

  private WeakReference<Mlops> logOnceAndClose() {
    Mlops mlops = open(Backpressure.BLOCK);
    new LoggingMetrics(mlops).bindTo(registry);
    double before = counter("mlops.logging.points.sent");
    try (ActiveRun run = mlops.tracking().startRun("metrics")) {
      run.logMetric("loss", 0.5, 0);
    }
    mlops.close();
    assertThat(counter("mlops.logging.points.sent") - before).isEqualTo(1);
    return new WeakReference<>(mlops);
  }

  @Test
  @DisplayName("a null Mlops, tags or registry is rejected with a message saying what to pass")
  @SuppressWarnings("NullAway")
  void rejectsNulls() {
    assertThatThrownBy(() -> new LoggingMetrics(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("mlops is null");
    try (Mlops mlops = open(Backpressure.BLOCK)) {
      assertThatThrownBy(() -> new LoggingMetrics(mlops, null))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Tags.empty()");
      assertThatThrownBy(() -> new LoggingMetrics(mlops).bindTo(null))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("MeterRegistry");
    }
  }
}
