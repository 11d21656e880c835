package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.model.Tensor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started with a long class path, as application servers and Spark executors are: ONNX
 * Runtime's native initialisation then needs more stack than the calling thread's default, and
 * crashed the process before predictors loaded on a thread of their own.
 */
@Timeout(120)
class LongClassPathTest {

  @TempDir Path dir;

  /** The child: loads the MLP from the plain main thread and prints one prediction. */
  public static void main(String[] args) {
    OnnxTestModels.Mlp mlp = OnnxTestModels.mlp(5);
    Path file = mlp.writeTo(Path.of(args[0]));
    float[][] user = {{1, 2, 3}};
    float[][] item = {{4, 5}};
    try (OnnxPredictor p =
        OnnxPredictor.open(file, PredictorOptions.builder().device(Device.cpu()).build())) {
      float[] got =
          p.predict(Map.of("user_features", Tensor.of(user), "item_features", Tensor.of(item)))
              .get("scores")
              .toFloatMatrix()[0];
      float[] want = mlp.predict(user, item)[0];
      System.out.println(
          Math.abs(got[0] - want[0]) < 1e-5 && Math.abs(got[1] - want[1]) < 1e-5
              ? "prediction matches"
              : "prediction differs");
    }
  }

  @Test
  @DisplayName(
      "a JVM with a 30,000-character class path loads a model from its main thread and predicts")
  void loadsWithLongClassPath() throws Exception {
    String padding =
        IntStream.range(0, 1_000)
            .mapToObj(i -> dir.resolve("absent-library-" + i + ".jar").toString())
            .collect(Collectors.joining(File.pathSeparator));
    String classPath = System.getProperty("java.class.path") + File.pathSeparator + padding;
    assertThat(classPath.length()).isGreaterThan(30_000);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "-Djava.io.tmpdir=" + dir,
                LongClassPathTest.class.getName(),
                dir.resolve("mlp.onnx").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(List.of(output.split("\\R"))).as(output).contains("prediction matches");
  }
}
