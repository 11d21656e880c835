package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.model.Tensor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves native memory is released: every session, tensor and result this module creates is counted
 * and uncounted on close, and the process's resident memory does not grow with calls.
 */
class NativeMemoryTest {

  private static final PredictorOptions CPU =
      PredictorOptions.builder().device(Device.cpu()).intraOpThreads(1).build();

  @TempDir Path dir;

  @Test
  @DisplayName("10,000 predictions leave no native tensor or result open and do not grow memory")
  void tenThousandCalls() throws IOException {
    float[] weights = new float[256];
    java.util.Arrays.fill(weights, 0.01f);
    Path file = OnnxTestModels.linear(weights, 0).writeTo(dir.resolve("wide.onnx"));
    // 64 rows x 256 floats = 64 KiB in per call: a leak of the input alone is 640 MB over the loop.
    Map<String, Tensor> input = Map.of("x", Tensor.of(Fixtures.rows(64, 256, 3)));
    long sessionsBefore = NativeResources.SESSIONS.get();
    try (OnnxPredictor p = OnnxPredictor.open(file, CPU)) {
      for (int i = 0; i < 1_000; i++) {
        p.predict(input);
      }
      long rssAfterWarmup = residentBytes();
      for (int i = 0; i < 10_000; i++) {
        p.predict(input);
      }
      assertThat(NativeResources.TENSORS.get()).as(NativeResources.snapshot()).isZero();
      assertThat(NativeResources.RESULTS.get()).as(NativeResources.snapshot()).isZero();
      if (rssAfterWarmup > 0) {
        assertThat(residentBytes() - rssAfterWarmup).isLessThan(128L << 20);
      }
    }
    assertThat(NativeResources.SESSIONS.get()).isEqualTo(sessionsBefore);
  }

  @Test
  @DisplayName("100 load and close cycles leave no session open")
  void hundredLoadCloseCycles() {
    Path file = OnnxTestModels.mlp(5).writeTo(dir.resolve("mlp.onnx"));
    long before = NativeResources.SESSIONS.get();
    for (int i = 0; i < 100; i++) {
      try (OnnxPredictor p = OnnxPredictor.open(file, CPU)) {
        assertThat(NativeResources.SESSIONS.get()).isEqualTo(before + 1);
        p.predict(
            Map.of(
                "user_features", Tensor.of(new float[][] {{1, 2, 3}}),
                "item_features", Tensor.of(new float[][] {{4, 5}})));
      }
    }
    assertThat(NativeResources.SESSIONS.get()).isEqualTo(before);
    assertThat(NativeResources.TENSORS.get()).isZero();
  }

  /** VmRSS from /proc on Linux; 0 elsewhere (the counters above still prove the releases). */
  private static long residentBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }
}
