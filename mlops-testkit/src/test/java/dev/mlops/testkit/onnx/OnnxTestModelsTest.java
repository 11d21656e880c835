package dev.mlops.testkit.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.internal.mlmodel.ExternalTensor;
import dev.mlops.internal.mlmodel.OnnxGraph;
import dev.mlops.model.DataType;
import dev.mlops.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-built models read back, through core's ONNX reader, as what they were built to be. */
class OnnxTestModelsTest {

  @TempDir Path dir;

  private OnnxGraph read(OnnxTestModels.TestModel model) {
    return OnnxGraph.read(model.writeTo(dir.resolve("m.onnx")));
  }

  @Test
  @DisplayName("the linear model is IR 8, opset 13, with its weights left out of the inputs")
  void linear() {
    OnnxGraph g = read(OnnxTestModels.linear(new float[] {1, 2, 3}, 0));
    assertThat(g.irVersion()).isEqualTo(8);
    assertThat(g.opsets()).containsEntry("", 13L);
    assertThat(g.producerName()).isEqualTo("mlops-testkit");
    assertThat(g.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FLOAT32, -1, 3));
    assertThat(g.signature().outputs())
        .containsExactly(TensorSpec.of("y", DataType.FLOAT32, -1, 1));
  }

  @Test
  @DisplayName("a fixed batch size reads as a fixed dimension")
  void fixedBatch() {
    OnnxGraph g = read(OnnxTestModels.linearFixedBatch(new float[] {1}, 0, 2));
    assertThat(g.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FLOAT32, 2, 1));
  }

  @Test
  @DisplayName("the MLP has two named inputs and one output")
  void mlp() {
    OnnxGraph g = read(OnnxTestModels.mlp(1));
    assertThat(g.signature().inputNames()).containsExactly("user_features", "item_features");
    assertThat(g.signature().outputs())
        .containsExactly(TensorSpec.of("scores", DataType.FLOAT32, -1, 2));
  }

  @Test
  @DisplayName("int64 and string inputs, and bool outputs, keep their element types")
  void idsAndWords() {
    OnnxGraph g = read(OnnxTestModels.idsAndWords(3));
    assertThat(g.signature().inputs())
        .containsExactly(
            TensorSpec.of("ids", DataType.INT64, -1, 3),
            TensorSpec.of("words", DataType.STRING, -1));
    assertThat(g.signature().output("large"))
        .contains(TensorSpec.of("large", DataType.BOOL, -1, 1));
  }

  @Test
  @DisplayName("the reference linear computation is x·w + b")
  void linearReference() {
    assertThat(OnnxTestModels.linear(new float[] {1, 2}, 0.5f).predict(new float[][] {{3, 4}}))
        .containsExactly(11.5f);
  }

  @Test
  @DisplayName(
      "with external data the weights go, one after the other, to a file beside the model and"
          + " the graph only points at them")
  void externalData() throws Exception {
    float[] weights = {1, 2, 3};
    OnnxTestModels.TestModel model =
        OnnxTestModels.linear(weights, 0.5f).withExternalData("weights/linear.bin");
    Path file = model.writeTo(dir.resolve("m.onnx"));

    OnnxGraph g = OnnxGraph.read(file);
    assertThat(g.externalData())
        .containsExactly(
            new ExternalTensor("w", "weights/linear.bin", 0, 12),
            new ExternalTensor("b", "weights/linear.bin", 12, 4));
    assertThat(g.signature()).isEqualTo(read(OnnxTestModels.linear(weights, 0.5f)).signature());
    ByteBuffer data =
        ByteBuffer.wrap(Files.readAllBytes(dir.resolve("weights/linear.bin")))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new float[] {data.getFloat(), data.getFloat(), data.getFloat(), data.getFloat()})
        .containsExactly(1, 2, 3, 0.5f);
    assertThat(data.hasRemaining()).isFalse();
  }

  @Test
  @DisplayName("without external data a model has no data files to write")
  void inlineData() {
    assertThat(OnnxTestModels.mlp(1).graph().externalFiles()).isEmpty();
    assertThat(OnnxTestModels.mlp(1).withExternalData("d.bin").graph().externalFiles())
        .containsOnlyKeys("d.bin");
  }
}
