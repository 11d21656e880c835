package dev.mlops.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Backpressure;
import dev.mlops.LoggingError;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("A backend outage while 8 threads log")
@Timeout(120)
class OutageTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 25_000;
  private static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(50));

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backpressure.class)
  @DisplayName(
      "an outage in the middle of 200,000 points from 8 threads: after recovery every point is"
          + " stored exactly once")
  void outageInTheMiddle(Backpressure mode) throws Exception {
    Path db = dir.resolve("mlflow.db");
    String root = dir.resolve("mlruns").toString();
    List<LoggingError> errors = new CopyOnWriteArrayList<>();
    try (SqliteDatabase database = SqliteDatabase.open(db, root)) {
      FaultyTrackingBackend backend =
          new FaultyTrackingBackend(new SqliteTrackingBackend(database, root, dir));
      String runId = backend.startRun("outage");
      LoggingOptions options =
          LoggingOptions.defaults(10_000)
              .withBackpressure(mode, dir.resolve("journal"))
              .withRetry(FAST)
              .withErrors(errors::add)
              .withSegmentBytes(1 << 20);
      LoggingEngine engine =
          new LoggingEngine(BatchSink.of(backend), backend.batchLimits(), options);
      try {
        RunChannel run = engine.open(runId);
        backend.outageAfter(THREADS * PER_THREAD / 2);

        List<Thread> producers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
          String key = "t" + t;
          Thread producer =
              new Thread(
                  () -> {
                    try {
                      start.await();
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
        start.countDown();
        backend.awaitFailedCalls(20);
        backend.recover();
        for (Thread p : producers) {
          p.join();
        }
        run.flush();

        assertThat(failure.get()).isNull();
        MetricRows.assertEachKeyStoredOnce(db, runId, THREADS, PER_THREAD);
        LoggingStats stats = engine.stats();
        assertThat(stats.backpressure()).isEqualTo(mode);
        assertThat(stats.retries()).isGreaterThanOrEqualTo(20);
        assertThat(stats.pointsSent()).isEqualTo((long) THREADS * PER_THREAD);
        assertThat(stats.pointsFailed()).isZero();
        assertThat(stats.queueDepth()).isZero();
        assertThat(errors).isEmpty();
      } finally {
        assertThat(engine.close(Duration.ofSeconds(30))).isZero();
      }
    }
  }
}
