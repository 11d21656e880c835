package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.BatchLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Several batches in flight, when the backend's {@link BatchLimits#maxInFlight()} allows it. */
class ConcurrentBatchesTest {

  private static final BatchLimits TEN_PER_BATCH_FOUR_IN_FLIGHT =
      new BatchLimits(10, 10, 10, 10, 1_000_000, 4);

  /** Holds the first (tag) write until the test has queued everything else behind it. */
  private final CountDownLatch everythingQueued = new CountDownLatch(1);

  private final CountDownLatch firstWriteStarted = new CountDownLatch(1);

  /** Counted down by each metric batch as it starts; released once two overlap. */
  private final CountDownLatch twoMetricBatchesInFlight = new CountDownLatch(2);

  private final AtomicInteger metricPointsWritten = new AtomicInteger();
  private final List<Boolean> overlapped = new CopyOnWriteArrayList<>();
  private final List<Integer> metricPointsDoneWhenTagWritten = new CopyOnWriteArrayList<>();
  private final List<LogBatch> written = new CopyOnWriteArrayList<>();
  private LoggingEngine engine;

  private void write(LogBatch batch) {
    if (!batch.tags().isEmpty()) {
      metricPointsDoneWhenTagWritten.add(metricPointsWritten.get());
      firstWriteStarted.countDown();
      await(everythingQueued);
    } else {
      twoMetricBatchesInFlight.countDown();
      overlapped.add(await(twoMetricBatchesInFlight));
      metricPointsWritten.addAndGet(batch.metrics().size());
    }
    written.add(batch);
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(30, TimeUnit.SECONDS); // a safety net against a hang, not a timing check
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @AfterEach
  void close() {
    everythingQueued.countDown();
    if (engine != null) {
      engine.close(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName(
      "batches without tags are written concurrently, a tag waits for every batch before it, and"
          + " every point is written once")
  void metricBatchesOverlapAndTagsKeepTheirPlace() {
    engine = new LoggingEngine(this::write, TEN_PER_BATCH_FOUR_IN_FLIGHT, 1000);
    RunChannel run = engine.open("run-1");

    run.setTag("stage", "start"); // the worker holds this write until everything below is queued
    assertThat(await(firstWriteStarted)).isTrue();
    for (int step = 0; step < 40; step++) {
      run.logMetric("loss", step, 1L, step);
    }
    run.setTag("stage", "done");
    everythingQueued.countDown();
    run.flush();

    assertThat(overlapped).hasSize(4).containsOnly(true);
    assertThat(metricPointsDoneWhenTagWritten).containsExactly(0, 40);
    assertThat(written.stream().mapToInt(b -> b.metrics().size()).sum()).isEqualTo(40);
    assertThat(written.get(written.size() - 1).tags())
        .singleElement()
        .satisfies(t -> assertThat(t.value()).isEqualTo("done"));
    assertThat(engine.stats().pointsSent()).isEqualTo(42);
  }

  @Test
  @DisplayName("with one batch in flight allowed, the backend never sees two writes at once")
  void oneAtATimeByDefault() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    engine =
        new LoggingEngine(
            batch -> {
              most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              inFlight.decrementAndGet();
            },
            new BatchLimits(10, 10, 10, 10, 1_000_000),
            1000);
    RunChannel run = engine.open("run-1");
    for (int step = 0; step < 500; step++) {
      run.logMetric("loss", step, 1L, step);
    }
    run.flush();

    assertThat(most.get()).isEqualTo(1);
    assertThat(engine.stats().pointsSent()).isEqualTo(500);
  }
}
