package dev.mlops.benchmarks;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * Metric logging to an MLflow tracking server, three ways in the same run, from the same threads,
 * against the same loopback stub server:
 *
 * <ol>
 *   <li>the official MLflow Java client's {@code logMetric}, one request per point;
 *   <li>the official client's {@code logBatch} with hand-made batches of 1,000 points;
 *   <li>this SDK: {@code ActiveRun.logMetric} per point, batched by the logging engine into {@code
 *       runs/log-batch}, timed until {@code close()} has flushed everything.
 * </ol>
 *
 * <p>The stub accepts what MLflow's server accepts and counts requests and metric points, so every
 * way is checked to deliver all points. Trials alternate the three ways; medians are reported with
 * the ratios the issue targets: (c) at least 50x faster than (a), no slower than (b), and at most
 * 1.1 x ceil(points / 1000) requests.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package -Dbench.main=dev.mlops.benchmarks.MlflowLoggingBenchmark \
 *     -Dbench.points=100000 -Dbench.trials=3
 * </pre>
 */
public final class MlflowLoggingBenchmark {

  private static final int THREADS = 8;
  private static final int KEYS = 10;
  private static final int BATCH = 1000;

  private MlflowLoggingBenchmark() {}

  /** One measured way: wall time, requests and points the server received. */
  record Result(double seconds, long requests, long points) {}

  public static void main(String[] args) throws Exception {
    int points = Integer.getInteger("bench.points", 100_000);
    int trials = Integer.getInteger("bench.trials", 3);
    Path work = Files.createTempDirectory("mlops-mlflow-bench");
    try (MlflowStubServer stub = MlflowStubServer.start()) {
      System.out.printf(Locale.ROOT, "warming up against %s%n", stub.uri());
      // Every request path compiled before timing: (a) sends a request per point, so a few
      // thousand warm it; (b) and (c) send one per 1,000 points, so they get full-size rounds.
      perPoint(stub, 5_000);
      for (int round = 0; round < Integer.getInteger("bench.warmup", 3); round++) {
        batched(stub, points);
        ours(stub, work, points);
      }
      List<Result> a = new ArrayList<>();
      List<Result> b = new ArrayList<>();
      List<Result> c = new ArrayList<>();
      if (System.getProperty("bench.only", "").equals("c")) {
        // Profiling aid: only this SDK's way, repeated, no comparison.
        for (int t = 1; t <= trials; t++) {
          Result r = check("c", ours(stub, work, points), points);
          System.out.printf(Locale.ROOT, "(c) %.3f s, %,d requests%n", r.seconds(), r.requests());
        }
        return;
      }
      for (int t = 1; t <= trials; t++) {
        a.add(check("a", perPoint(stub, points), points));
        b.add(check("b", batched(stub, points), points));
        c.add(check("c", ours(stub, work, points), points));
        System.out.printf(
            Locale.ROOT,
            "trial %d: (a) %.2f s, %,d requests | (b) %.3f s, %,d requests | (c) %.3f s, %,d"
                + " requests%n",
            t,
            a.get(t - 1).seconds(),
            a.get(t - 1).requests(),
            b.get(t - 1).seconds(),
            b.get(t - 1).requests(),
            c.get(t - 1).seconds(),
            c.get(t - 1).requests());
      }
      System.out.printf(Locale.ROOT, "%nmedians:");
      report(points, trials, median(a), median(b), median(c));
      System.out.printf(Locale.ROOT, "%nbest of %d (less disturbed by other load):", trials);
      report(points, trials, best(a), best(b), best(c));
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(int points, int trials, Result a, Result b, Result c) {
    long budget = (long) Math.ceil(1.1 * Math.ceil(points / (double) BATCH));
    System.out.printf(
        Locale.ROOT,
        "%nMLflow metric logging, %,d points from %d threads, %d trials:%n"
            + "  (a) official logMetric per point : %9.3f s %9.0f points/s %,8d requests%n"
            + "  (b) official logBatch of 1,000   : %9.3f s %9.0f points/s %,8d requests%n"
            + "  (c) mlops ActiveRun.logMetric    : %9.3f s %9.0f points/s %,8d requests%n"
            + "  (a)/(c) time: %8.1fx  (target >= 50x)%n"
            + "  (b)/(c) time: %8.2fx  (target >= 1.0x)%n"
            + "  (c) requests: %,d of at most %,d allowed%n",
        points,
        THREADS,
        trials,
        a.seconds(),
        points / a.seconds(),
        a.requests(),
        b.seconds(),
        points / b.seconds(),
        b.requests(),
        c.seconds(),
        points / c.seconds(),
        c.requests(),
        a.seconds() / c.seconds(),
        b.seconds() / c.seconds(),
        c.requests(),
        budget);
  }

  private static Result check(String way, Result r, int points) {
    if (r.points() != points) {
      throw new IllegalStateException(
          "(" + way + ") delivered " + r.points() + " points of " + points);
    }
    return r;
  }

  /** (a): the official client, one {@code runs/log-metric} request per point. */
  static Result perPoint(MlflowStubServer stub, int points) throws Exception {
    try (MlflowClient client = new MlflowClient(stub.uri())) {
      String runId = client.createRun("1").getRunId();
      stub.reset();
      long ts = System.currentTimeMillis();
      long start = System.nanoTime();
      parallel(
          points,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              client.logMetric(runId, "m" + (i % KEYS), i * 0.001, ts, i / KEYS);
            }
          });
      return stub.result(start);
    }
  }

  /** (b): the official client's {@code logBatch}, each thread sending batches of 1,000. */
  static Result batched(MlflowStubServer stub, int points) throws Exception {
    try (MlflowClient client = new MlflowClient(stub.uri())) {
      String runId = client.createRun("1").getRunId();
      stub.reset();
      long ts = System.currentTimeMillis();
      long start = System.nanoTime();
      parallel(
          points,
          (from, to) -> {
            List<Service.Metric> batch = new ArrayList<>(BATCH);
            for (int i = from; i < to; i++) {
              batch.add(
                  Service.Metric.newBuilder()
                      .setKey("m" + (i % KEYS))
                      .setValue(i * 0.001)
                      .setTimestamp(ts)
                      .setStep(i / KEYS)
                      .build());
              if (batch.size() == BATCH || i == to - 1) {
                client.logBatch(runId, batch, List.of(), List.of());
                batch.clear();
              }
            }
          });
      return stub.result(start);
    }
  }

  /** (c): this SDK; timed from the first point until {@code close()} has flushed them all. */
  static Result ours(MlflowStubServer stub, Path work, int points) throws Exception {
    try (Mlops mlops =
        Mlops.builder()
            .trackingUri(stub.uri())
            .workingDirectory(work)
            .cacheDir(work.resolve("cache"))
            .build()) {
      ActiveRun run = mlops.tracking().startRun("bench");
      stub.reset();
      long ts = System.currentTimeMillis();
      long start = System.nanoTime();
      parallel(
          points,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              run.logMetric("m" + (i % KEYS), i * 0.001, i / KEYS, ts);
            }
          });
      run.close();
      return stub.result(start);
    }
  }

  /** A share of [0, points) for each of the threads. */
  interface Slice {
    void log(int from, int to) throws Exception;
  }

  private static void parallel(int points, Slice slice) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      int per = (points + THREADS - 1) / THREADS;
      for (int t = 0; t < THREADS; t++) {
        int from = t * per;
        int to = Math.min(points, from + per);
        futures.add(
            pool.submit(
                () -> {
                  slice.log(from, to);
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Result best(List<Result> results) {
    return results.stream()
        .min(java.util.Comparator.comparingDouble(Result::seconds))
        .orElseThrow();
  }

  private static Result median(List<Result> results) {
    List<Result> sorted = new ArrayList<>(results);
    sorted.sort(java.util.Comparator.comparingDouble(Result::seconds));
    return sorted.get(sorted.size() / 2);
  }
}
