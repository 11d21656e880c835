package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.BackendUnavailableException;
import dev.mlops.Backpressure;
import dev.mlops.InvalidInputException;
import dev.mlops.LoggingError;
import dev.mlops.LoggingStats;
import dev.mlops.Metric;
import dev.mlops.internal.tracking.FakeTrackingBackend;
import dev.mlops.internal.tracking.FakeTrackingBackend.Gate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LoggingEngine retries, listener and journal")
@Timeout(60)
class DurableLoggingTest {

  private static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20));

  @TempDir Path store;

  private final FakeTrackingBackend backend = new FakeTrackingBackend();
  private final List<LoggingError> errors = new CopyOnWriteArrayList<>();

  private void record(LoggingError e) {
    synchronized (errors) {
      errors.add(e);
      errors.notifyAll();
    }
  }

  private final List<LoggingEngine> engines = new ArrayList<>();

  /** Fails the next {@code failures} writes with the exception made by {@code failure}. */
  private static final class FlakySink implements BatchSink {
    private final BatchSink delegate;
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean down;

    FlakySink(BatchSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(LogBatch batch) {
      int n = attempts.incrementAndGet();
      if (down || failuresLeft.getAndDecrement() > 0) {
        throw new BackendUnavailableException(
            "HTTP 429 Too Many Requests", null, n % 2 == 0 ? Duration.ofMillis(2) : null);
      }
      delegate.write(batch);
    }
  }

  private LoggingEngine engine(BatchSink sink, Backpressure mode) {
    LoggingOptions options =
        LoggingOptions.defaults(1_000)
            .withBackpressure(mode, store)
            .withRetry(FAST)
            .withErrors(this::record)
            .withSegmentBytes(Journal.MIN_SEGMENT_BYTES);
    LoggingEngine e = new LoggingEngine(sink, backend.batchLimits(), options);
    engines.add(e);
    return e;
  }

  @AfterEach
  void tearDown() {
    backend.close();
    for (LoggingEngine e : engines) {
      e.close(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName(
      "transient failures, 429 with Retry-After included, are retried until the backend takes the"
          + " batch, and nothing is stored twice")
  void transientFailuresAreRetried() {
    FlakySink sink = new FlakySink(BatchSink.of(backend));
    sink.failuresLeft.set(6);
    LoggingEngine engine = engine(sink, Backpressure.BLOCK);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    for (int step = 0; step < 500; step++) {
      run.logMetric("loss", step, 1L, step);
    }
    run.logParam("alpha", "0.5");

    run.flush();

    List<Metric> stored = backend.storedMetrics(runId);
    assertThat(stored).hasSize(500);
    assertThat(new HashSet<>(stored)).hasSize(500);
    assertThat(backend.storedParams(runId)).containsEntry("alpha", "0.5");
    LoggingStats stats = engine.stats();
    assertThat(stats.retries()).isEqualTo(6);
    assertThat(stats.pointsFailed()).isZero();
    assertThat(stats.pointsSent()).isEqualTo(501);
    assertThat(stats.lastErrorMessage()).hasValueSatisfying(m -> assertThat(m).contains("429"));
    assertThat(errors).isEmpty();
  }

  @Test
  @DisplayName(
      "a rejected batch is not retried; the listener and the next flush name the run and the key")
  void rejectionIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    BatchSink sink =
        batch -> {
          attempts.incrementAndGet();
          BatchSink.of(backend).write(batch);
        };
    LoggingEngine engine = engine(sink, Backpressure.BLOCK);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    run.logParam("alpha", "1");
    run.flush();
    int before = attempts.get();

    run.logParam("alpha", "2");

    assertThatThrownBy(run::flush)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(runId)
        .hasMessageContaining("params [alpha]");
    assertThat(attempts.get() - before).isEqualTo(1);
    assertThat(engine.stats().retries()).isZero();
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.runId()).isEqualTo(runId);
              assertThat(e.keys()).containsExactly("params.alpha");
              assertThat(e.points()).isEqualTo(1);
              assertThat(e.isTransient()).isFalse();
              assertThat(e.error())
                  .isInstanceOf(InvalidInputException.class)
                  .hasMessageContaining(runId)
                  .hasMessageContaining("alpha");
            });
  }

  @Test
  @DisplayName(
      "BLOCK: closing during an outage reports the points not stored, to the caller and the"
          + " listener")
  void blockCloseDuringOutage() throws InterruptedException {
    FlakySink sink = new FlakySink(BatchSink.of(backend));
    sink.down = true;
    LoggingEngine engine = engine(sink, Backpressure.BLOCK);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    for (int step = 0; step < 10; step++) {
      run.logMetric("loss", step, 1L, step);
    }

    int lost = engine.close(Duration.ofMillis(50));

    assertThat(lost).isEqualTo(10);
    // Points already inside the retrying write are reported by the worker once it gives up.
    synchronized (errors) {
      while (errors.stream().mapToLong(LoggingError::points).sum() < 10) {
        errors.wait();
      }
    }
    assertThat(errors).allSatisfy(e -> assertThat(e.isTransient()).isTrue());
    assertThat(errors.stream().mapToLong(LoggingError::points).sum()).isEqualTo(10);
    assertThat(errors.get(0).keys()).containsExactly("metrics.loss");
    assertThat(backend.storedMetrics(runId)).isEmpty();
  }

  @Test
  @DisplayName(
      "SPILL: closing during an outage keeps the points in the journal, and the next engine on the"
          + " store writes each exactly once")
  void spillCloseDuringOutageThenReplay() throws IOException {
    FlakySink sink = new FlakySink(BatchSink.of(backend));
    LoggingEngine first = engine(sink, Backpressure.SPILL);
    String runId = backend.newRun();
    RunChannel run = first.open(runId);
    for (int step = 0; step < 1_000; step++) {
      run.logMetric("loss", step, 1L, step);
    }
    run.setTag("phase", "one");
    run.flush();
    sink.down = true;
    for (int step = 1_000; step < 3_000; step++) {
      run.logMetric("loss", step, 1L, step);
    }
    run.setTag("phase", "two");
    assertThatThrownBy(() -> run.flush(Duration.ofMillis(20)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("journal");
    assertThat(first.stats().journalBytes()).isPositive();
    assertThat(first.stats().queueDepth() + backend.storedMetrics(runId).size())
        .isLessThanOrEqualTo(3_002);

    assertThat(first.close(Duration.ofMillis(50))).isZero();
    assertThat(instanceDirs()).hasSize(1);
    assertThat(errors).isEmpty();

    LoggingEngine second = engine(BatchSink.of(backend), Backpressure.BLOCK);
    assertThat(second.awaitAll(Duration.ofSeconds(30))).isTrue();

    List<Metric> stored = backend.storedMetrics(runId);
    assertThat(stored).hasSize(3_000);
    assertThat(new HashSet<>(stored)).hasSize(3_000);
    assertThat(backend.storedTags(runId)).containsEntry("phase", "two");
    assertThat(instanceDirs()).isEmpty();
    assertThat(second.stats().journalBytes()).isZero();
  }

  @Test
  @DisplayName(
      "SPILL: points inside a write that never returns stay in the journal and are replayed")
  void spillWithHangingBackend() throws Exception {
    LoggingEngine first = engine(BatchSink.of(backend), Backpressure.SPILL);
    String runId = backend.newRun();
    RunChannel run = first.open(runId);
    Gate gate = backend.closeGate();
    run.logMetric("m", 0, 1L, 0);
    gate.awaitEntered();
    for (int step = 1; step < 100; step++) {
      run.logMetric("m", step, 1L, step);
    }

    assertThat(first.close(Duration.ofMillis(50))).isZero();
    gate.open();
    LoggingEngine second = engine(BatchSink.of(backend), Backpressure.SPILL);
    assertThat(second.awaitAll(Duration.ofSeconds(30))).isTrue();

    assertThat(backend.storedMetrics(runId)).hasSize(100);
    assertThat(instanceDirs()).hasSize(1); // the second engine's own, still open
  }

  @Test
  @DisplayName(
      "replayed points of a run that no longer exists are reported to the listener and dropped")
  void replayForMissingRun() throws IOException {
    FlakySink sink = new FlakySink(BatchSink.of(backend));
    sink.down = true;
    LoggingEngine first = engine(sink, Backpressure.SPILL);
    String gone = "0123456789abcdef0123456789abcdef";
    RunChannel run = first.open(gone);
    run.logMetric("m", 1, 1L, 1);
    run.logParam("p", "v");
    first.close(Duration.ofMillis(20));

    LoggingEngine second = engine(BatchSink.of(backend), Backpressure.BLOCK);
    assertThat(second.awaitAll(Duration.ofSeconds(30))).isTrue();

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.runId()).isEqualTo(gone);
              assertThat(e.points()).isEqualTo(2);
              assertThat(e.keys()).containsExactlyInAnyOrder("metrics.m", "params.p");
              assertThat(e.error()).isInstanceOf(dev.mlops.NotFoundException.class);
            });
    assertThat(instanceDirs()).isEmpty();
  }

  private List<Path> instanceDirs() throws IOException {
    try (Stream<Path> s = Files.list(store)) {
      return s.filter(Files::isDirectory).toList();
    }
  }
}
