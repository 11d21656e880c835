import ai.onnxruntime.OrtEnvironment;
import dev.mlops.model.Tensor;
import dev.mlops.serving.Device;
import dev.mlops.serving.OnnxPredictor;
import dev.mlops.serving.PredictorOptions;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Run by gpu-check.sh with onnxruntime_gpu on the classpath: checks that Device.auto() picks CUDA,
 * that CUDA and CPU give the same predictions, and prints timings. Exit code 0 on success, 1 when
 * a check fails (with the reason on stderr).
 */
public final class GpuCheck {

  public static void main(String[] args) throws Exception {
    int rows = Integer.getInteger("gpu.rows", 4096);
    int iterations = Integer.getInteger("gpu.iterations", 200);
    System.out.println("ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion()
        + ", providers " + OrtEnvironment.getAvailableProviders());
    Path dir = Files.createTempDirectory("mlops-gpu-check");
    OnnxTestModels.Mlp mlp = OnnxTestModels.mlp(2024);
    Path file = mlp.writeTo(dir.resolve("mlp.onnx"));

    float[][] user = random(rows, 3, 1);
    float[][] item = random(rows, 2, 2);
    Map<String, Tensor> input =
        Map.of("user_features", Tensor.of(user), "item_features", Tensor.of(item));

    try (OnnxPredictor auto = OnnxPredictor.open(file, PredictorOptions.defaults());
        OnnxPredictor cpu =
            OnnxPredictor.open(file, PredictorOptions.builder().device(Device.cpu()).build())) {
      System.out.println("Device.auto() chose " + auto.device());
      if (!auto.device().startsWith("CUDA")) {
        fail("Device.auto() chose " + auto.device() + ", not CUDA. See the ONNX Runtime warning"
            + " above: usually CUDA 12 / cuDNN 9 libraries are missing from LD_LIBRARY_PATH.");
      }
      float[][] onGpu = auto.predict(input).get("scores").toFloatMatrix();
      float[][] onCpu = cpu.predict(input).get("scores").toFloatMatrix();
      float[][] reference = mlp.predict(user, item);
      double maxGpuCpu = 0;
      double maxGpuRef = 0;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < 2; c++) {
          maxGpuCpu = Math.max(maxGpuCpu, Math.abs(onGpu[r][c] - onCpu[r][c]));
          maxGpuRef = Math.max(maxGpuRef, Math.abs(onGpu[r][c] - reference[r][c]));
        }
      }
      System.out.printf(Locale.ROOT, "max |CUDA - CPU| = %.3g, max |CUDA - Java reference| = %.3g"
          + " over %d rows%n", maxGpuCpu, maxGpuRef, rows);
      if (maxGpuCpu > 1e-3 || maxGpuRef > 1e-3) {
        fail("CUDA results differ from CPU by " + maxGpuCpu + " (limit 1e-3)");
      }
      try (OnnxPredictor explicit =
          OnnxPredictor.open(file, PredictorOptions.builder().device(Device.cuda(0)).build())) {
        System.out.println("Device.cuda(0) loads on " + explicit.device());
      }
      time("CUDA", auto, input, rows, iterations);
      time("CPU ", cpu, input, rows, iterations);
    }
    System.out.println("GPU CHECK PASSED");
  }

  private static void time(String name, OnnxPredictor p, Map<String, Tensor> input, int rows,
      int iterations) {
    for (int i = 0; i < 20; i++) {
      p.predict(input);
    }
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      p.predict(input);
    }
    double perCall = (System.nanoTime() - start) / 1e3 / iterations;
    System.out.printf(Locale.ROOT, "%s: %.1f us per %d-row batch, %,.0f rows/s%n", name, perCall,
        rows, rows / (perCall / 1e6));
  }

  private static float[][] random(int rows, int cols, long seed) {
    Random r = new Random(seed);
    float[][] out = new float[rows][cols];
    for (float[] row : out) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) r.nextGaussian();
      }
    }
    return out;
  }

  private static void fail(String reason) {
    System.err.println("GPU CHECK FAILED: " + reason);
    System.exit(1);
  }
}
