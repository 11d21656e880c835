package dev.mlops.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Backpressure;
import dev.mlops.LoggingStats;
import dev.mlops.internal.logging.BatchSink;
import dev.mlops.internal.logging.LoggingEngine;
import dev.mlops.internal.logging.LoggingOptions;
import dev.mlops.internal.logging.RetryPolicy;
import dev.mlops.internal.logging.RunChannel;
import dev.mlops.internal.store.SqliteDatabase;
import dev.mlops.internal.store.SqliteTrackingBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A SPILL journal with a size limit")
@Timeout(120)
class JournalLimitTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 25_000;
  private static final int SEGMENT = 256 << 10;
  private static final long LIMIT = 2L * SEGMENT;
  private static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50));

  @TempDir Path dir;

  @Test
  @DisplayName(
      "during an outage the journal stops growing at its limit and logging calls wait; after"
          + " recovery every point is stored exactly once")
  void outageStopsAtTheLimit() throws Exception {
    Path db = dir.resolve("mlflow.db");
    String root = dir.resolve("mlruns").toString();
    try (SqliteDatabase database = SqliteDatabase.open(db, root)) {
      FaultyTrackingBackend backend =
          new FaultyTrackingBackend(new SqliteTrackingBackend(database, root, dir));
      String runId = backend.startRun("limit");
      LoggingOptions options =
          LoggingOptions.defaults(10_000)
              .withBackpressure(Backpressure.SPILL, dir.resolve("journal"))
              .withRetry(FAST)
              .withSegmentBytes(SEGMENT)
              .withJournalMaxBytes(LIMIT);
      LoggingEngine engine =
          new LoggingEngine(BatchSink.of(backend), backend.batchLimits(), options);
      try {
        RunChannel run = engine.open(runId);
        backend.outageAfter(0);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String key = "t" + t;
          Thread producer =
              new Thread(
                  () -> {
                    try {
                      for (int step = 0; step < PER_THREAD; step++) {
                        run.logMetric(key, step * 0.25, 1_000L + step, step);
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  });
          producer.start();
          producers.add(producer);
        }
        // Each producer's 25,000 points need about 1.2 MB of journal, more than the 512 KiB limit
        // on their own: with the backend down, every producer ends up waiting for room.
        while (!producers.stream().allMatch(p -> p.getState() == Thread.State.TIMED_WAITING)) {
          assertThat(producers)
              .as("producers finished during the outage")
              .allMatch(Thread::isAlive);
          Thread.onSpinWait();
        }
        LoggingStats full = engine.stats();
        assertThat(full.journalBytes())
            .isGreaterThanOrEqualTo(LIMIT)
            .isLessThanOrEqualTo(LIMIT + THREADS * 256L);
        assertThat(full.pointsSent()).isZero();

        backend.recover();
        for (Thread p : producers) {
          p.join();
        }
        run.flush();

        assertThat(failure.get()).isNull();
        MetricRows.assertEachKeyStoredOnce(db, runId, THREADS, PER_THREAD);
        assertThat(engine.stats().pointsSent()).isEqualTo((long) THREADS * PER_THREAD);
        assertThat(engine.stats().journalBytes()).isZero();
      } finally {
        assertThat(engine.close(Duration.ofSeconds(30))).isZero();
      }
    }
  }
}
