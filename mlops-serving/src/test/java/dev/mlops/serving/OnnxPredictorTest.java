package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxPredictorTest {

  private static final PredictorOptions CPU =
      PredictorOptions.builder().device(Device.cpu()).intraOpThreads(1).build();

  @TempDir Path dir;

  private OnnxPredictor open(OnnxTestModels.TestModel model) {
    return OnnxPredictor.open(model.writeTo(dir.resolve("model.onnx")), CPU);
  }

  @Test
  @DisplayName("the linear model predicts x·w + b for every row")
  void linear() {
    OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {0.5f, -1, 2}, 3);
    float[][] rows = Fixtures.rows(64, 3, 7);
    try (OnnxPredictor p = open(linear)) {
      float[][] y = p.predict(rows);
      float[] expected = linear.predict(rows);
      for (int i = 0; i < rows.length; i++) {
        assertThat(y[i][0]).isCloseTo(expected[i], within(1e-5f));
      }
      assertThat(p.signature().inputs())
          .containsExactly(TensorSpec.of("x", DataType.FLOAT32, -1, 3));
    }
  }

  @Test
  @DisplayName("a model with a fixed batch size takes exactly that many rows")
  void fixedBatch() {
    OnnxTestModels.Linear linear = OnnxTestModels.linearFixedBatch(new float[] {1, 1}, 0, 2);
    try (OnnxPredictor p = open(linear)) {
      assertThat(p.predict(new float[][] {{1, 2}, {3, 4}})).isEqualTo(new float[][] {{3}, {7}});
      assertThatThrownBy(() -> p.predict(new float[][] {{1, 2}}))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'x'")
          .hasMessageContaining("(2, 2)")
          .hasMessageContaining("(1, 2)");
    }
  }

  @Test
  @DisplayName("the two-layer MLP with named inputs matches the plain-Java reference")
  void mlp() {
    OnnxTestModels.Mlp mlp = OnnxTestModels.mlp(42);
    float[][] user = Fixtures.rows(16, 3, 1);
    float[][] item = Fixtures.rows(16, 2, 2);
    try (OnnxPredictor p = open(mlp)) {
      Map<String, Tensor> out =
          p.predict(Map.of("user_features", Tensor.of(user), "item_features", Tensor.of(item)));
      float[][] scores = out.get("scores").toFloatMatrix();
      float[][] expected = mlp.predict(user, item);
      for (int i = 0; i < user.length; i++) {
        assertThat(scores[i][0]).isCloseTo(expected[i][0], within(1e-4f));
        assertThat(scores[i][1]).isCloseTo(expected[i][1], within(1e-4f));
      }
    }
  }

  @Test
  @DisplayName("int64 and string inputs give int64, bool and string outputs")
  void int64AndStrings() {
    OnnxTestModels.IdsAndWords model = OnnxTestModels.idsAndWords(10);
    long[][] ids = {{1, 2, 3}, {4, 5, 6}, {0, 0, 11}};
    try (OnnxPredictor p = open(model)) {
      Map<String, Tensor> out =
          p.predict(
              Map.of(
                  "ids", Tensor.of(new long[] {1, 2, 3, 4, 5, 6, 0, 0, 11}, 3, 3),
                  "words", Tensor.of(new String[] {"a", "bé", ""}, 3)));
      assertThat(out.get("id_sum").toLongArray()).containsExactly(model.sums(ids));
      assertThat(out.get("id_sum").shape()).containsExactly(3, 1);
      assertThat(out.get("large").toBooleanArray()).containsExactly(false, true, true);
      assertThat(out.get("words_out").toStringArray()).containsExactly("a", "bé", "");
    }
  }

  @Test
  @DisplayName("float64 tensors go in and come out as float64")
  void doubles() {
    try (OnnxPredictor p = open(OnnxTestModels.doubleScale(2.5))) {
      Tensor y = p.predict(Map.of("x", Tensor.of(new double[][] {{1, 2}, {3, 4}}))).get("y");
      assertThat(y.type()).isEqualTo(DataType.FLOAT64);
      assertThat(y.toDoubleArray()).containsExactly(2.5, 5, 7.5, 10);
    }
  }

  @Test
  @DisplayName("a direct buffer wrapped as a tensor is predicted on like an array")
  void directBuffer() {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(new float[] {1, 2, 3, 4});
    try (OnnxPredictor p = open(OnnxTestModels.linear(new float[] {1, 1}, 0))) {
      Tensor y = p.predict(Map.of("x", Tensor.wrap(DataType.FLOAT32, b, 2, 2))).get("y");
      assertThat(y.toFloatArray()).containsExactly(3, 7);
    }
  }

  @Test
  @DisplayName("wrong names, types and shapes are rejected with a message naming the input")
  void inputChecks() {
    try (OnnxPredictor p = open(OnnxTestModels.mlp(1))) {
      Tensor user = Tensor.of(new float[][] {{1, 2, 3}});
      Tensor item = Tensor.of(new float[][] {{1, 2}});
      assertThatThrownBy(() -> p.predict(Map.of("user_features", user)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Missing input 'item_features'");
      assertThatThrownBy(
              () -> p.predict(Map.of("user_features", user, "item_features", item, "extra", item)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Unknown input 'extra'");
      assertThatThrownBy(
              () ->
                  p.predict(
                      Map.of(
                          "user_features",
                          Tensor.of(new double[][] {{1, 2, 3}}),
                          "item_features",
                          item)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'user_features' must be float32")
          .hasMessageContaining("float64");
      assertThatThrownBy(
              () ->
                  p.predict(
                      Map.of(
                          "user_features", user, "item_features", Tensor.of(new float[] {1, 2}))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'item_features' must have shape (-1, 2)")
          .hasMessageContaining("(2,)");
      assertThatThrownBy(() -> p.predict(new float[][] {{1, 2, 3}}))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("exactly one float32 input");
    }
  }

  @Test
  @DisplayName("explicit CUDA without the GPU build fails naming the artifact to swap in")
  void cudaWithoutGpuBuild() {
    Path file = OnnxTestModels.linear(new float[] {1}, 0).writeTo(dir.resolve("m.onnx"));
    assertThatThrownBy(
            () ->
                OnnxPredictor.open(file, PredictorOptions.builder().device(Device.cuda(0)).build()))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("onnxruntime_gpu");
  }

  @Test
  @DisplayName("auto picks the CPU when this build has no CUDA provider, and says so")
  void autoFallsBackToCpu() {
    Path file = OnnxTestModels.linear(new float[] {1}, 0).writeTo(dir.resolve("m.onnx"));
    try (OnnxPredictor p = OnnxPredictor.open(file, PredictorOptions.defaults())) {
      assertThat(p.device()).isEqualTo("CPU");
      assertThat(p.toString()).contains("on CPU");
    }
  }

  @Test
  @DisplayName("a file that is not a model fails to load with a clear message")
  void notAModel() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.onnx"), "not a model");
    assertThatThrownBy(() -> OnnxPredictor.open(bad, CPU))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot load");
  }

  @Test
  @DisplayName("a closed predictor refuses to predict")
  void closed() {
    OnnxPredictor p = open(OnnxTestModels.linear(new float[] {1}, 0));
    p.close();
    p.close();
    assertThatThrownBy(() -> p.predict(new float[][] {{1}}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("closed");
  }
}
