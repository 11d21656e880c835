package dev.mlops.benchmarks;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.LoggingStats;
import dev.mlops.Mlops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * End-to-end ingest into an MLflow tracking server: {@code bench.points} metric points (default
 * 1,000,000) from {@code bench.threads} threads (default 8) through {@link ActiveRun#logMetric}
 * into one loopback stub server speaking MLflow's REST API, in BLOCK and in SPILL mode, timed from
 * the first call until {@code close()} returned with every point accepted by the server.
 *
 * <p>The limit is measured in the same run against the same stub: the most {@code runs/log-batch}
 * requests of 1,000 metrics per second it answers when the same number of threads send ready-made
 * bodies over one pooled OkHttp client with no SDK in between (nothing to serialise, queue or
 * check). That rate x 1,000 is the most points per second any client could deliver there; the SDK's
 * ingest is reported as a ratio to it, with the requests it needed.
 *
 * <pre>
 * ./mvnw -q -pl mlops-benchmarks -am -Pbench -DskipTests package \
 *     -Dbench.main=dev.mlops.benchmarks.MlflowIngestBenchmark -Dbench.points=1000000 -Dbench.trials=3
 * </pre>
 */
public final class MlflowIngestBenchmark {

  private static final int BATCH = 1000;
  private static final MediaType JSON = MediaType.get("application/json");

  private MlflowIngestBenchmark() {}

  /** One timed ingest: points per second and the requests the server answered. */
  record Result(double pointsPerSecond, long requests) {}

  public static void main(String[] args) throws Exception {
    int points = Integer.getInteger("bench.points", 1_000_000);
    int trials = Integer.getInteger("bench.trials", 3);
    int threads = Integer.getInteger("bench.threads", 8);
    Path work = Files.createTempDirectory("mlops-mlflow-ingest");
    try (MlflowStubServer stub = MlflowStubServer.start()) {
      OkHttpClient http =
          new OkHttpClient.Builder()
              .connectionPool(new ConnectionPool(threads, 5, TimeUnit.MINUTES))
              .dispatcher(dispatcher(threads))
              .build();
      // Warm-up: both paths compiled before timing.
      limit(stub, http, points / 5, threads);
      ours(stub, work, Backpressure.BLOCK, points / 5, threads);
      ours(stub, work, Backpressure.SPILL, points / 5, threads);
      List<Result> limit = new ArrayList<>();
      List<Result> block = new ArrayList<>();
      List<Result> spill = new ArrayList<>();
      for (int t = 1; t <= trials; t++) {
        limit.add(limit(stub, http, points, threads));
        block.add(ours(stub, work, Backpressure.BLOCK, points, threads));
        spill.add(ours(stub, work, Backpressure.SPILL, points, threads));
        System.out.printf(
            Locale.ROOT,
            "trial %d: stub limit %,.0f points/s | BLOCK %,.0f points/s, %,d requests | SPILL"
                + " %,.0f points/s, %,d requests%n",
            t,
            limit.get(t - 1).pointsPerSecond(),
            block.get(t - 1).pointsPerSecond(),
            block.get(t - 1).requests(),
            spill.get(t - 1).pointsPerSecond(),
            spill.get(t - 1).requests());
      }
      Result l = median(limit);
      System.out.printf(
          Locale.ROOT,
          "%nIngest of %,d points from %d threads into a loopback MLflow stub, %d trials"
              + " (medians):%n"
              + "  stub limit: %,.0f requests/s of %,d metrics = %,12.0f points/s%n",
          points,
          threads,
          trials,
          l.pointsPerSecond() / BATCH,
          BATCH,
          l.pointsPerSecond());
      print("BLOCK", median(block), l, points);
      print("SPILL", median(spill), l, points);
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    } finally {
      try (Stream<Path> paths = Files.walk(work)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Dispatcher dispatcher(int threads) {
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(threads);
    d.setMaxRequestsPerHost(threads);
    return d;
  }

  private static void print(String mode, Result r, Result limit, int points) {
    System.out.printf(
        Locale.ROOT,
        "  ActiveRun.logMetric, %s: %,12.0f points/s, ratio to the stub limit %.2f, %,d"
            + " requests (ceil(points / 1000) = %,d)%n",
        mode,
        r.pointsPerSecond(),
        r.pointsPerSecond() / limit.pointsPerSecond(),
        r.requests(),
        (points + BATCH - 1) / BATCH);
  }

  /** The stub's ceiling: ready-made 1,000-metric log-batch bodies sent as fast as it answers. */
  static Result limit(MlflowStubServer stub, OkHttpClient http, int points, int threads)
      throws Exception {
    int requests = (points + BATCH - 1) / BATCH;
    String url = stub.uri() + "/api/2.0/mlflow/runs/log-batch";
    byte[] body = logBatchBody(BATCH);
    stub.reset();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int mine = requests / threads + (t < requests % threads ? 1 : 0);
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < mine; i++) {
                    Request request =
                        new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build();
                    try (Response response = http.newCall(request).execute()) {
                      if (!response.isSuccessful()) {
                        throw new IOException("stub answered " + response.code());
                      }
                      response.body().bytes();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (stub.points() != (long) requests * BATCH) {
        throw new IllegalStateException("the stub counted " + stub.points() + " points");
      }
      return new Result(stub.points() / seconds, stub.requests());
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] logBatchBody(int metrics) {
    StringBuilder json = new StringBuilder("{\"run_id\":\"0123456789abcdef0123456789abcdef\",");
    json.append("\"metrics\":[");
    long ts = System.currentTimeMillis();
    for (int i = 0; i < metrics; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"key\":\"metric_")
          .append(i % 8)
          .append("\",\"value\":")
          .append(i * 0.001)
          .append(",\"timestamp\":")
          .append(ts)
          .append(",\"step\":")
          .append(i)
          .append('}');
    }
    return json.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** This SDK: one run, {@code threads} threads logging their share, timed until close. */
  static Result ours(MlflowStubServer stub, Path work, Backpressure mode, int points, int threads)
      throws Exception {
    try (Mlops mlops =
        Mlops.builder()
            .trackingUri(stub.uri())
            .backpressure(mode)
            .workingDirectory(work)
            .cacheDir(work.resolve("cache"))
            .build()) {
      ActiveRun run = mlops.tracking().startRun("ingest");
      stub.reset();
      int perThread = points / threads;
      long ts = System.currentTimeMillis();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String key = "metric_" + t;
        Thread producer =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                  for (int step = 0; step < perThread; step++) {
                    run.logMetric(key, step * 0.001, step, ts);
                  }
                });
        producer.start();
        producers.add(producer);
      }
      long start = System.nanoTime();
      go.countDown();
      for (Thread p : producers) {
        p.join();
      }
      run.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      LoggingStats stats = mlops.loggingStats();
      long written = (long) perThread * threads;
      if (stub.points() != written || stats.pointsSent() != written) {
        throw new IllegalStateException(
            "expected "
                + written
                + " points; the stub counted "
                + stub.points()
                + ", the engine reports "
                + stats.pointsSent());
      }
      // Every request the stub answered since the run started, the status update on close included.
      return new Result(written / seconds, stub.requests());
    }
  }

  private static Result median(List<Result> results) {
    List<Result> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingDouble(Result::pointsPerSecond));
    return sorted.get(sorted.size() / 2);
  }
}
