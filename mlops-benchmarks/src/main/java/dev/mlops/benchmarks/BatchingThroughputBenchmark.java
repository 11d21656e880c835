package dev.mlops.benchmarks;

import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.serving.Batching;
import dev.mlops.serving.BatchingPredictor;
import dev.mlops.serving.Device;
import dev.mlops.serving.OnnxPredictor;
import dev.mlops.serving.PredictorOptions;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dynamic batching against one call per request: 64 threads each send one-row requests to the
 * two-layer MLP as fast as they can, for {@code bench.seconds} per trial, first straight to an
 * {@link OnnxPredictor}, then through a {@link BatchingPredictor} (batches of up to 64 rows, 1 ms
 * delay) around an identical one. Reports requests per second and p50/p99 latency per mode, medians
 * over {@code bench.trials}; the target is at least 3x throughput with p99 no worse.
 *
 * <p>Every batched request costs one park and one unpark of its caller, which on a small CPU
 * machine costs about as much as running this model directly. So each trial also measures that
 * ceiling ({@link HandoffCeilingBenchmark}: the same 64 callers handing requests to one worker that
 * runs no model), and the summary says how far above unbatched any batcher could get here.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package -pl mlops-benchmarks -am \
 *     -Dbench.main=dev.mlops.benchmarks.BatchingThroughputBenchmark -Dbench.trials=5
 * </pre>
 */
public final class BatchingThroughputBenchmark {

  private static final int CALLERS = 64;

  private BatchingThroughputBenchmark() {}

  private record Trial(double perSecond, double p50Micros, double p99Micros) {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 5);
    int trials = Integer.getInteger("bench.trials", 3);
    Path dir = Files.createTempDirectory("mlops-batching-bench");
    Path file = OnnxTestModels.mlp(11).writeTo(dir.resolve("mlp.onnx"));
    PredictorOptions cpu = PredictorOptions.builder().device(Device.cpu()).build();
    Batching batching = Batching.of(64, Duration.ofMillis(1)).withQueueCapacity(4 * CALLERS);
    List<Trial> plain = new ArrayList<>();
    List<Trial> batched = new ArrayList<>();
    double[] ceiling = new double[trials];
    try (Predictor unbatched = OnnxPredictor.open(file, cpu);
        Predictor withBatching = new BatchingPredictor(OnnxPredictor.open(file, cpu), batching)) {
      run(unbatched, 1); // warm-up
      run(withBatching, 1);
      for (int t = 0; t < trials; t++) {
        plain.add(run(unbatched, seconds));
        batched.add(run(withBatching, seconds));
        ceiling[t] = HandoffCeilingBenchmark.run(seconds)[0];
        System.out.printf(
            Locale.ROOT,
            "trial %d: unbatched %s | batched %s | handoff ceiling %,.0f req/s%n",
            t + 1,
            text(plain.get(t)),
            text(batched.get(t)),
            ceiling[t]);
      }
    }
    Trial p = median(plain);
    Trial b = median(batched);
    Arrays.sort(ceiling);
    double c = ceiling[trials / 2];
    System.out.printf(
        Locale.ROOT,
        "median: unbatched %s | batched %s | handoff ceiling %,.0f req/s%nthroughput x%.2f (target"
            + " >= 3; the ceiling is x%.2f), p99 %s (target: no worse)%n",
        text(p),
        text(b),
        c,
        b.perSecond() / p.perSecond(),
        c / p.perSecond(),
        b.p99Micros() <= p.p99Micros() ? "no worse" : "worse");
  }

  private static Trial run(Predictor predictor, int seconds) throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(CALLERS);
    List<long[]> latencies = new ArrayList<>();
    int[] counts = new int[CALLERS];
    for (int c = 0; c < CALLERS; c++) {
      long[] mine = new long[2_000_000];
      latencies.add(mine);
      int caller = c;
      Map<String, Tensor> input =
          Map.of(
              "user_features", Tensor.of(new float[][] {{caller, 1, 2}}),
              "item_features", Tensor.of(new float[][] {{3, 4}}));
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (running.get() && n < mine.length) {
                  long start = System.nanoTime();
                  predictor.predict(input);
                  mine[n++] = System.nanoTime() - start;
                }
                counts[caller] = n;
                done.countDown();
              });
      t.setDaemon(true);
      t.start();
    }
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < CALLERS; c++) {
      System.arraycopy(latencies.get(c), 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    return new Trial(
        total / elapsed, all[(int) (total * 0.50)] / 1e3, all[(int) (total * 0.99)] / 1e3);
  }

  private static String text(Trial t) {
    return String.format(
        Locale.ROOT,
        "%,.0f req/s, p50 %.0f us, p99 %.0f us",
        t.perSecond(),
        t.p50Micros(),
        t.p99Micros());
  }

  private static Trial median(List<Trial> trials) {
    double[] rate = trials.stream().mapToDouble(Trial::perSecond).sorted().toArray();
    double[] p50 = trials.stream().mapToDouble(Trial::p50Micros).sorted().toArray();
    double[] p99 = trials.stream().mapToDouble(Trial::p99Micros).sorted().toArray();
    int m = trials.size() / 2;
    return new Trial(rate[m], p50[m], p99[m]);
  }
}
