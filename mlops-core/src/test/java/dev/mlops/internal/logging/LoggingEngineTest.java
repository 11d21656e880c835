package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.internal.tracking.FakeTrackingBackend;
import dev.mlops.internal.tracking.FakeTrackingBackend.BatchCall;
import dev.mlops.internal.tracking.FakeTrackingBackend.Gate;
import dev.mlops.spi.BatchLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("LoggingEngine")
@Timeout(60)
class LoggingEngineTest {

  private final FakeTrackingBackend backend = new FakeTrackingBackend();
  private final List<LoggingEngine> engines = new ArrayList<>();

  private LoggingEngine engine(int capacity) {
    LoggingEngine e = new LoggingEngine(BatchSink.of(backend), backend.batchLimits(), capacity);
    engines.add(e);
    return e;
  }

  @AfterEach
  void tearDown() {
    backend.close(); // opens any gate left closed
    for (LoggingEngine e : engines) {
      e.close(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName(
      "logging returns while the backend is still writing, and flush makes every point visible")
  void loggingDoesNotWaitForTheBackend() throws InterruptedException {
    LoggingEngine engine = engine(1000);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();

    run.logMetric("loss", 1.0, 1L, 0);
    gate.awaitEntered();
    for (int step = 1; step <= 100; step++) {
      run.logMetric("loss", 1.0 / step, 1L, step);
    }
    assertThat(backend.storedMetrics(runId)).isEmpty();
    assertThat(run.pending()).isEqualTo(101);

    gate.open();
    run.flush();

    assertThat(backend.storedMetrics(runId)).hasSize(101);
    assertThat(run.pending()).isZero();
  }

  @Test
  @DisplayName("batches never exceed the backend's limits, and big queues go out in full batches")
  void batchesStayWithinLimits() throws InterruptedException {
    BatchLimits limits = new BatchLimits(3, 2, 2, 4, 300);
    backend.withBatchLimits(limits);
    LoggingEngine engine = new LoggingEngine(BatchSink.of(backend), limits, 1000);
    engines.add(engine);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();
    run.setTag("first", "x");
    gate.awaitEntered();
    for (int i = 0; i < 50; i++) {
      run.logMetric("m" + (i % 5), i, 1L, i);
      if (i % 6 == 0) {
        run.logParam("p" + i, "v" + i);
      }
      if (i % 5 == 0) {
        run.setTag("t" + i, i % 10 == 0 ? "y".repeat(250) : "short");
      }
    }
    gate.open();
    run.flush();

    List<BatchCall> calls = backend.batchCalls();
    for (BatchCall c : calls) {
      int entities = c.metrics() + c.params() + c.tags();
      assertThat(c.metrics()).isLessThanOrEqualTo(3);
      assertThat(c.params()).isLessThanOrEqualTo(2);
      assertThat(c.tags()).isLessThanOrEqualTo(2);
      assertThat(entities).isBetween(1, 4);
      assertThat(c.bytes() <= 300 || entities == 1)
          .as("batch %s is over 300 bytes with more than one entity", c)
          .isTrue();
    }
    assertThat(calls).anySatisfy(c -> assertThat(c.metrics() + c.params() + c.tags()).isEqualTo(4));
    assertThat(backend.storedMetrics(runId)).hasSize(50);
    assertThat(backend.storedParams(runId)).hasSize(9);
    assertThat(backend.storedTags(runId)).hasSize(11);
    assertThat(engine.stats().pointsSent()).isEqualTo(50 + 9 + 11);
  }

  @Test
  @DisplayName("points from 8 threads, 10,000 each, are all written exactly once")
  void concurrentProducersLoseNothing() throws InterruptedException {
    LoggingEngine engine = engine(1024);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    int threads = 8;
    int perThread = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      String key = "thread" + t;
      Thread producer =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int step = 0; step < perThread; step++) {
                    run.logMetric(key, step, 1L, step);
                  }
                } catch (Throwable e) {
                  error.compareAndSet(null, e);
                }
              });
      producer.start();
      producers.add(producer);
    }
    start.countDown();
    for (Thread p : producers) {
      p.join();
    }
    run.flush();

    assertThat(error.get()).isNull();
    assertThat(backend.metricsReceived()).isEqualTo((long) threads * perThread);
    List<Metric> stored = backend.storedMetrics(runId);
    Set<String> identities = new HashSet<>();
    for (Metric m : stored) {
      identities.add(m.key() + "@" + m.step());
    }
    assertThat(stored).hasSize(threads * perThread);
    assertThat(identities).hasSize(threads * perThread);
    assertThat(engine.stats().pointsSent()).isEqualTo((long) threads * perThread);
    assertThat(engine.stats().queueDepth()).isZero();
  }

  @Test
  @DisplayName(
      "a param conflict surfaces at that run's flush, naming run and key, while other runs keep logging")
  void permanentFailureIsReportedPerRun() throws InterruptedException {
    LoggingEngine engine = engine(1000);
    String a = backend.newRun();
    String b = backend.newRun();
    RunChannel runA = engine.open(a);
    RunChannel runB = engine.open(b);
    runA.logParam("alpha", "1");
    runA.flush();

    Gate gate = backend.closeGate();
    runB.logMetric("warmup", 0, 1L, 0);
    gate.awaitEntered();
    runA.logParam("alpha", "2");
    runA.logParam("beta", "3");
    runA.logMetric("loss", 0.5, 1L, 1);
    runA.setTag("team", "risk");
    runB.logMetric("acc", 0.9, 1L, 1);
    gate.open();

    runB.flush();
    assertThat(backend.storedMetrics(b)).hasSize(2);
    assertThatThrownBy(runA::flush)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(a)
        .hasMessageContaining("params [alpha]")
        .hasMessageNotContaining("beta")
        .hasCauseInstanceOf(InvalidInputException.class);
    // The rest of the rejected batch was still written.
    assertThat(backend.storedParams(a)).containsEntry("alpha", "1").containsEntry("beta", "3");
    assertThat(backend.storedMetrics(a)).extracting(Metric::key).containsExactly("loss");
    assertThat(backend.storedTags(a)).containsEntry("team", "risk");
    assertThat(engine.stats().pointsFailed()).isEqualTo(1);
    assertThat(engine.stats().lastErrorMessage())
        .hasValueSatisfying(m -> assertThat(m).contains("alpha"));

    runA.flush(); // the failure was reported once
    runA.logMetric("loss", 0.4, 1L, 2);
    runA.flush();
    assertThat(backend.storedMetrics(a)).hasSize(2);
  }

  @Test
  @DisplayName("a failure keeps the backend's exception type and names the run")
  void failureKeepsItsType() {
    LoggingEngine engine = engine(100);
    RunChannel missing = engine.open("0123456789abcdef0123456789abcdef");
    missing.logMetric("loss", 1, 1L, 0);

    assertThatThrownBy(missing::flush)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("0123456789abcdef0123456789abcdef")
        .hasMessageContaining("metrics [loss]");
  }

  @Test
  @DisplayName("flushAll waits for every run and throws the first failure")
  void flushAllCoversEveryRun() {
    LoggingEngine engine = engine(100);
    String good = backend.newRun();
    RunChannel ok = engine.open(good);
    RunChannel bad = engine.open("ffffffffffffffffffffffffffffffff");
    for (int i = 0; i < 20; i++) {
      ok.logMetric("m", i, 1L, i);
      bad.logMetric("m", i, 1L, i);
    }

    assertThatThrownBy(engine::flushAll).isInstanceOf(NotFoundException.class);
    assertThat(backend.storedMetrics(good)).hasSize(20);
    engine.flushAll(); // reported once
  }

  @Test
  @DisplayName("a full queue makes the caller wait until the worker makes room")
  void fullQueueBlocksTheCaller() throws InterruptedException {
    LoggingEngine engine = engine(4);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();
    run.logMetric("m", 0, 1L, 0);
    gate.awaitEntered(); // the worker holds point 0; the queue is empty
    for (int step = 1; step <= 4; step++) {
      run.logMetric("m", step, 1L, step);
    }
    assertThat(engine.stats().queueDepth()).isEqualTo(4);

    Thread blocked = new Thread(() -> run.logMetric("m", 5, 1L, 5));
    blocked.start();
    while (blocked.getState() != Thread.State.WAITING) {
      assertThat(blocked.isAlive())
          .as("the producer returned although the queue was full")
          .isTrue();
      Thread.onSpinWait();
    }
    assertThat(engine.stats().queueDepth()).isEqualTo(4);
    assertThat(backend.storedMetrics(runId)).isEmpty();

    gate.open();
    blocked.join();
    run.flush();
    assertThat(backend.storedMetrics(runId)).hasSize(6);
  }

  @Test
  @DisplayName("an interrupted caller waiting for room gets an error and keeps its interrupt flag")
  void interruptedWhileWaiting() throws InterruptedException {
    LoggingEngine engine = engine(1);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();
    run.logMetric("m", 0, 1L, 0);
    gate.awaitEntered();
    run.logMetric("m", 1, 1L, 1); // fills the queue
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                run.logMetric("m", 2, 1L, 2);
              } catch (Throwable e) {
                thrown.set(e);
              }
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    t.start();
    t.join();

    assertThat(thrown.get())
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("Interrupted")
        .hasMessageContaining("'m'")
        .hasMessageContaining(runId);
    assertThat(stillInterrupted.get()).isTrue();
    gate.open();
    run.flush(); // the lost point does not keep flush waiting
    assertThat(backend.storedMetrics(runId)).hasSize(2);
  }

  @Test
  @DisplayName(
      "close with a backend that never returns reports the unwritten points within the timeout")
  void closeWithStuckBackend() throws InterruptedException {
    LoggingEngine engine = engine(100);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();
    for (int i = 0; i < 10; i++) {
      run.logMetric("m", i, 1L, i);
    }
    gate.awaitEntered();

    int lost = engine.close(Duration.ofMillis(50));

    assertThat(lost).isEqualTo(10);
    assertThat(engine.isClosed()).isTrue();
    assertThatThrownBy(() -> run.logMetric("m", 11, 1L, 11))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> engine.open("another")).isInstanceOf(MlopsException.class);
  }

  @Test
  @DisplayName(
      "a flush with a time limit gives up on a stuck backend and says how many points wait")
  void flushTimeout() throws InterruptedException {
    LoggingEngine engine = engine(100);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    Gate gate = backend.closeGate();
    run.logMetric("m", 0, 1L, 0);
    run.logMetric("m", 1, 1L, 1);
    gate.awaitEntered();

    assertThatThrownBy(() -> run.flush(Duration.ofMillis(20)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining(runId)
        .hasMessageContaining("2 logged points");
    gate.open();
    run.flush();
    assertThat(backend.storedMetrics(runId)).hasSize(2);
  }

  @Test
  @DisplayName("close after everything was written reports nothing lost and stops the worker")
  void cleanClose() {
    LoggingEngine engine = engine(100);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    run.logParam("a", "1");
    run.setTag("b", "2");

    assertThat(engine.close(Duration.ofSeconds(10))).isZero();
    assertThat(backend.storedParams(runId)).containsEntry("a", "1");
    assertThat(backend.storedTags(runId)).containsEntry("b", "2");
    assertThat(engine.stats().batchesSent()).isPositive();
    assertThat(engine.close(Duration.ofSeconds(1))).isZero();
  }

  @Test
  @DisplayName("a released run's pending points are still written")
  void releasedRunStillDrains() {
    LoggingEngine engine = engine(100);
    String runId = backend.newRun();
    RunChannel run = engine.open(runId);
    run.logMetric("m", 1, 1L, 1);
    engine.release(run);
    assertThat(engine.channel(runId)).isEmpty();

    run.flush();
    assertThat(backend.storedMetrics(runId)).hasSize(1);
  }
}
