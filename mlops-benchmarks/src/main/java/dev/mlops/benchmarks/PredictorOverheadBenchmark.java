package dev.mlops.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlops.model.Tensor;
import dev.mlops.serving.Device;
import dev.mlops.serving.OnnxPredictor;
import dev.mlops.serving.PredictorOptions;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cost of {@link OnnxPredictor} over calling ONNX Runtime directly: the same model (the
 * two-layer MLP of {@link OnnxTestModels#mlp}), the same batch, the same session settings (CPU, one
 * intra-op thread). Both sides start from {@code float[][]} rows and end with {@code float[][]}
 * scores, closing every native tensor and result. The wrapper adds input checking against the
 * signature and the {@link Tensor} conversions; the target is at most 5% over raw.
 *
 * <p>Calls are timed one by one ({@link Mode#SampleTime}) and compared by their median: on a shared
 * machine a call that is preempted by another process takes milliseconds instead of microseconds,
 * and a few of those dominate an average but not the median. {@link #main} runs {@code
 * bench.trials} rounds of one fork per benchmark, raw and wrapped back to back, and reports the
 * median of the per-round overheads. The forks get a 4 MiB thread stack: the raw baseline creates
 * its session on the benchmark thread, and ONNX Runtime's native initialisation crashes on the
 * default 1 MiB when the class path is long ({@link OnnxPredictor} loads on a thread of its own).
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package -pl mlops-benchmarks -am \
 *     -Dbench.main=dev.mlops.benchmarks.PredictorOverheadBenchmark -Dbench.trials=7
 * </pre>
 *
 * <p>Or one JMH run from the classpath file described in the README: {@code java -cp
 * mlops-benchmarks/target/classes:$(cat mlops-benchmarks/target/cp.txt) org.openjdk.jmh.Main
 * PredictorOverheadBenchmark -f 3 -t 1 -jvmArgsAppend -Xss4m}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class PredictorOverheadBenchmark {

  @Param({"1", "32"})
  public int rows;

  private Path dir;
  private OrtEnvironment env;
  private OrtSession session;
  private OnnxPredictor predictor;
  private float[][] user;
  private float[][] item;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("mlops-overhead-bench");
    Path file = OnnxTestModels.mlp(7).writeTo(dir.resolve("mlp.onnx"));
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(file.toString(), so);
    }
    predictor =
        OnnxPredictor.open(
            file, PredictorOptions.builder().device(Device.cpu()).intraOpThreads(1).build());
    Random r = new Random(1);
    user = new float[rows][3];
    item = new float[rows][2];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 3; j++) {
        user[i][j] = (float) r.nextGaussian();
      }
      for (int j = 0; j < 2; j++) {
        item[i][j] = (float) r.nextGaussian();
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    predictor.close();
    session.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** ONNX Runtime alone: arrays to OnnxTensors, run, scores back as arrays. */
  @Benchmark
  public float[][] rawOrtSession() throws OrtException {
    try (OnnxTensor u = OnnxTensor.createTensor(env, user);
        OnnxTensor i = OnnxTensor.createTensor(env, item);
        OrtSession.Result result = session.run(Map.of("user_features", u, "item_features", i))) {
      return (float[][]) result.get(0).getValue();
    }
  }

  /** The same call through {@link OnnxPredictor}. */
  @Benchmark
  public float[][] predictor() {
    return predictor
        .predict(Map.of("user_features", Tensor.of(user), "item_features", Tensor.of(item)))
        .get("scores")
        .toFloatMatrix();
  }

  /**
   * Runs {@code bench.trials} rounds (default 5); each round forks one JVM per benchmark and
   * measures raw and wrapped back to back, so load from other processes hits both sides of a ratio
   * alike. Prints each round's overhead and the median per batch size.
   */
  public static void main(String[] args) throws Exception {
    useLoaderClasspath();
    int rounds = Integer.getInteger("bench.trials", 5);
    String[] sizes = {"1", "32"};
    double[][] overhead = new double[sizes.length][rounds];
    for (int round = 0; round < rounds; round++) {
      Collection<RunResult> results =
          new Runner(
                  new OptionsBuilder()
                      .include(PredictorOverheadBenchmark.class.getSimpleName())
                      .jvmArgsAppend("-Xss4m")
                      .shouldFailOnError(true)
                      .build())
              .run();
      for (int i = 0; i < sizes.length; i++) {
        double raw = score(results, "rawOrtSession", sizes[i]);
        double wrapped = score(results, "predictor", sizes[i]);
        overhead[i][round] = (wrapped / raw - 1) * 100;
        System.out.printf(
            Locale.ROOT,
            "round %d rows=%s: median call raw OrtSession.run %.2f us, OnnxPredictor %.2f us, overhead %+.1f%%%n",
            round + 1,
            sizes[i],
            raw,
            wrapped,
            overhead[i][round]);
      }
    }
    for (int i = 0; i < sizes.length; i++) {
      double[] sorted = overhead[i].clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "rows=%s: median overhead %+.1f%% over %d rounds (min %+.1f%%, max %+.1f%%; target <= 5%%)%n",
          sizes[i],
          sorted[rounds / 2],
          rounds,
          sorted[0],
          sorted[rounds - 1]);
    }
  }

  /**
   * JMH forks a JVM with {@code java.class.path}; under {@code exec:java} that is Maven's own, so
   * point it at the class loader's jars instead.
   */
  private static void useLoaderClasspath() throws Exception {
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
      StringBuilder cp = new StringBuilder();
      for (URL url : loader.getURLs()) {
        cp.append(cp.length() == 0 ? "" : File.pathSeparator).append(Path.of(url.toURI()));
      }
      System.setProperty("java.class.path", cp.toString());
    }
  }

  private static double score(Collection<RunResult> results, String method, String rows) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .filter(r -> rows.equals(r.getParams().getParam("rows")))
        .mapToDouble(r -> r.getPrimaryResult().getStatistics().getPercentile(50))
        .findFirst()
        .orElseThrow();
  }
}
