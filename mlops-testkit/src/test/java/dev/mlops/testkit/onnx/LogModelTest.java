package dev.mlops.testkit.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.Run;
import dev.mlops.internal.mlmodel.TensorJson;
import dev.mlops.model.BaselineProfile;
import dev.mlops.model.DataType;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.MlModel;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.OnnxModel;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ActiveRun.logModel} on the embedded store, checked file by file. */
class LogModelTest {

  @TempDir Path dir;
  private Mlops mlops;
  private Path onnx;

  @BeforeEach
  void open() {
    mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .build();
    onnx = OnnxTestModels.mlp(3).writeTo(dir.resolve("src/mlp.onnx"));
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  @Test
  @DisplayName("a logged model is an MLflow onnx model with the graph's signature")
  void mlflowLayout() throws Exception {
    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("log-model")) {
      logged = run.logModel("model", OnnxModel.of(onnx));
    }
    Path model = mlops.models().download(logged.modelUri());
    assertThat(model.resolve("model.onnx")).hasSameBinaryContentAs(onnx);
    assertThat(model.resolve("requirements.txt")).content().contains("onnxruntime");
    assertThat(model.resolve("python_env.yaml")).exists();
    assertThat(model.resolve("conda.yaml")).exists();

    MlModel m = MlModel.read(model);
    assertThat(m).isEqualTo(logged.mlModel());
    assertThat(m.runId()).isEqualTo(logged.runId());
    assertThat(m.artifactPath()).isEqualTo("model");
    assertThat(m.modelUuid()).matches("[0-9a-f]{32}");
    assertThat(m.utcTimeCreated()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    assertThat(m.modelSizeBytes()).isGreaterThanOrEqualTo(Files.size(onnx));
    assertThat(m.flavor("onnx").orElseThrow())
        .containsEntry("data", "model.onnx")
        .containsEntry("providers", List.of("CUDAExecutionProvider", "CPUExecutionProvider"));
    assertThat(m.flavor("python_function").orElseThrow())
        .containsEntry("loader_module", "mlflow.onnx")
        .containsEntry("data", "model.onnx");
    assertThat(m.signature().inputs())
        .containsExactly(
            TensorSpec.of("user_features", DataType.FLOAT32, -1, 3),
            TensorSpec.of("item_features", DataType.FLOAT32, -1, 2));
    assertThat(Files.readString(model.resolve("MLmodel")))
        .contains("\"[{\\\"type\\\": \\\"tensor\\\", \\\"tensor-spec\\\"");

    Run run = mlops.tracking().getRun(logged.runId()).orElseThrow();
    JsonNode history = new ObjectMapper().readTree(run.tags().get("mlflow.log-model.history"));
    assertThat(history).hasSize(1);
    assertThat(history.get(0).path("artifact_path").asText()).isEqualTo("model");
    assertThat(history.get(0).has("signature")).isFalse();
  }

  @Test
  @DisplayName("an input example and a baseline are stored beside the model")
  void exampleAndBaseline() throws Exception {
    Map<String, Tensor> example =
        Map.of(
            "user_features", Tensor.of(new float[][] {{1, 2, 3}}),
            "item_features", Tensor.of(new float[][] {{0.5f, 1.5f}}));
    BaselineProfile baseline =
        BaselineProfile.of("user_features", new float[][] {{1, 2, 3}, {2, 3, 4}});
    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("log-model")) {
      logged =
          run.logModel(
              "model",
              OnnxModel.builder(onnx)
                  .inputExample(example)
                  .baseline(baseline)
                  .metadata("team", "risk")
                  .build());
    }
    Path model = mlops.models().download(logged.modelUri());
    MlModel m = MlModel.read(model);
    assertThat(m.savedInputExampleInfo())
        .containsEntry("artifact_path", "input_example.json")
        .containsEntry("serving_input_path", "serving_input_example.json")
        .containsEntry("type", "ndarray");
    assertThat(Files.readString(model.resolve("input_example.json")))
        .isEqualTo("{\"user_features\":[[1.0,2.0,3.0]],\"item_features\":[[0.5,1.5]]}");
    assertThat(Files.readString(model.resolve("serving_input_example.json")))
        .startsWith("{\"inputs\":{\"user_features\"");
    assertThat(TensorJson.readExample(model.resolve("input_example.json"), m.signature().inputs()))
        .isEqualTo(example);
    assertThat(m.metadata())
        .containsEntry("team", "risk")
        .containsEntry(BaselineProfile.METADATA_KEY, BaselineProfile.FILE_NAME);
    assertThat(BaselineProfile.read(model)).contains(baseline);
  }

  @Test
  @DisplayName("logging with a registered model name creates the version in one call")
  void registersInOneCall() {
    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("log-model")) {
      logged = run.logModel("model", OnnxModel.of(onnx), "recommender");
    }
    assertThat(logged.modelVersion()).isPresent();
    assertThat(logged.version().version()).isEqualTo(1);
    assertThat(logged.version().runId()).isEqualTo(logged.runId());
    Path model = mlops.models().download("models:/recommender/1");
    assertThat(model.resolve("MLmodel")).exists();
  }

  @Test
  @DisplayName("a given signature is checked against the graph")
  void givenSignatureChecked() {
    ModelSignature good =
        ModelSignature.of(
            List.of(
                TensorSpec.of("user_features", DataType.FLOAT32, 8, 3),
                TensorSpec.of("item_features", DataType.FLOAT32, 8, 2)),
            List.of(TensorSpec.of("scores", DataType.FLOAT32, 8, 2)));
    ModelSignature wrongType =
        ModelSignature.of(
            List.of(
                TensorSpec.of("user_features", DataType.FLOAT64, -1, 3),
                TensorSpec.of("item_features", DataType.FLOAT32, -1, 2)),
            List.of(TensorSpec.of("scores", DataType.FLOAT32, -1, 2)));
    ModelSignature wrongName =
        ModelSignature.of(
            List.of(TensorSpec.of("x", DataType.FLOAT32, -1, 5)),
            List.of(TensorSpec.of("scores", DataType.FLOAT32, -1, 2)));
    try (ActiveRun run = mlops.tracking().startRun("log-model")) {
      LoggedModel logged = run.logModel("good", OnnxModel.builder(onnx).signature(good).build());
      assertThat(logged.mlModel().signature()).isEqualTo(good);
      assertThatThrownBy(
              () -> run.logModel("bad", OnnxModel.builder(onnx).signature(wrongType).build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'user_features' is float64")
          .hasMessageContaining("declares float32");
      assertThatThrownBy(
              () -> run.logModel("bad", OnnxModel.builder(onnx).signature(wrongName).build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("[x]")
          .hasMessageContaining("user_features");
    }
  }

  @Test
  @DisplayName(
      "an example that does not fit the signature, or a file that is not ONNX, is rejected")
  void badInputs() throws Exception {
    Path notOnnx = Files.writeString(dir.resolve("readme.onnx"), "hello");
    try (ActiveRun run = mlops.tracking().startRun("log-model")) {
      assertThatThrownBy(
              () ->
                  run.logModel(
                      "model",
                      OnnxModel.builder(onnx)
                          .inputExample(Map.of("user_features", Tensor.of(new float[][] {{1}})))
                          .build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'user_features' must have shape (-1, 3)");
      assertThatThrownBy(() -> run.logModel("model", OnnxModel.of(notOnnx)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not a readable ONNX model");
      assertThatThrownBy(() -> run.logModel("", OnnxModel.of(onnx)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("\"model\"");
      assertThatThrownBy(() -> run.logModel("../up", OnnxModel.of(onnx)))
          .isInstanceOf(InvalidInputException.class);
    }
  }
}
