package dev.mlops.benchmarks;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.LoggingStats;
import dev.mlops.Mlops;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * End-to-end ingest from many threads: {@code bench.points} metric points (default 1,000,000)
 * logged from {@code bench.threads} threads (default 8) through {@link ActiveRun#logMetric} into
 * the embedded store, in BLOCK and in SPILL mode, against the limit measured in the same run: a raw
 * JDBC batched insert of the same rows ({@link EmbeddedIngestBenchmark#runJdbc}). The API side is
 * timed from the first call until {@code close()} returned, with everything in the database.
 *
 * <p>Prints, per mode, points per second, batch writes sent (requests, for a remote backend), the
 * ratio to raw JDBC, and the bytes the logging threads themselves allocated per point.
 *
 * <pre>
 * ./mvnw -q -pl mlops-benchmarks -am -Pbench -DskipTests package \
 *     -Dbench.main=dev.mlops.benchmarks.IngestComparison -Dbench.points=1000000 -Dbench.trials=3
 * </pre>
 */
public final class IngestComparison {

  private IngestComparison() {}

  /** One timed ingest. */
  record Result(double pointsPerSecond, long batches, double callerBytesPerPoint) {}

  public static void main(String[] args) throws Exception {
    int points = Integer.getInteger("bench.points", 1_000_000);
    int trials = Integer.getInteger("bench.trials", 3);
    int threads = Integer.getInteger("bench.threads", 8);
    Path root = Files.createTempDirectory("mlops-ingest-comparison");
    try {
      runApi(root.resolve("warmup"), Backpressure.BLOCK, points / 10, threads);
      EmbeddedIngestBenchmark.runJdbc(root.resolve("warmup-jdbc"), points / 10);
      List<Double> jdbc = new ArrayList<>();
      List<Result> block = new ArrayList<>();
      List<Result> spill = new ArrayList<>();
      for (int t = 0; t < trials; t++) {
        jdbc.add(EmbeddedIngestBenchmark.runJdbc(root.resolve("jdbc-" + t), points));
        block.add(runApi(root.resolve("block-" + t), Backpressure.BLOCK, points, threads));
        spill.add(runApi(root.resolve("spill-" + t), Backpressure.SPILL, points, threads));
        System.out.printf(
            Locale.ROOT,
            "trial %d: raw JDBC %,.0f points/s, BLOCK %,.0f points/s, SPILL %,.0f points/s%n",
            t + 1,
            jdbc.get(t),
            block.get(t).pointsPerSecond(),
            spill.get(t).pointsPerSecond());
      }
      double j = EmbeddedIngestBenchmark.median(jdbc);
      System.out.printf(
          Locale.ROOT,
          "%nIngest of %,d points from %d threads into the embedded store, %d trials (medians):%n"
              + "  raw JDBC batch insert (1 thread) : %,12.0f points/s%n",
          points,
          threads,
          trials,
          j);
      print("BLOCK", block, j);
      print("SPILL", spill, j);
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void print(String mode, List<Result> results, double jdbc) {
    double rate =
        EmbeddedIngestBenchmark.median(results.stream().map(Result::pointsPerSecond).toList());
    double batches =
        EmbeddedIngestBenchmark.median(results.stream().map(r -> (double) r.batches()).toList());
    double bytes =
        EmbeddedIngestBenchmark.median(results.stream().map(Result::callerBytesPerPoint).toList());
    System.out.printf(
        Locale.ROOT,
        "  ActiveRun.logMetric, %s        : %,12.0f points/s, ratio to JDBC %.2f, %,.0f batch"
            + " writes, %.1f bytes allocated per call by the logging threads%n",
        mode,
        rate,
        rate / jdbc,
        batches,
        bytes);
  }

  static Result runApi(Path dir, Backpressure mode, int points, int threads)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Mlops mlops = Stores.embedded(mode, dir, Duration.ofMinutes(10));
    ActiveRun run = mlops.tracking().startRun("ingest");
    int perThread = points / threads;
    long ts = System.currentTimeMillis();
    CountDownLatch start = new CountDownLatch(1);
    long[] allocated = new long[threads];
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      String key = "metric_" + t;
      Thread producer =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                long before = threadAllocatedBytes();
                for (int step = 0; step < perThread; step++) {
                  run.logMetric(key, step * 0.001, step, ts);
                }
                allocated[index] = threadAllocatedBytes() - before;
              });
      producer.start();
      producers.add(producer);
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread p : producers) {
      p.join();
    }
    run.close();
    LoggingStats stats = mlops.loggingStats();
    mlops.close();
    long elapsed = System.nanoTime() - begin;
    long totalAllocated = 0;
    for (long a : allocated) {
      totalAllocated += a;
    }
    long written = (long) perThread * threads;
    if (stats.pointsSent() != written) {
      throw new IllegalStateException(
          "expected " + written + " points written, the engine reports " + stats.pointsSent());
    }
    return new Result(
        written / (elapsed / 1e9), stats.batchesSent(), totalAllocated / (double) written);
  }

  private static long threadAllocatedBytes() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (bean instanceof com.sun.management.ThreadMXBean sun) {
      return sun.getCurrentThreadAllocatedBytes();
    }
    return 0;
  }
}
