package dev.mlops.internal.mlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.MlModel;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlModelYamlTest {

  /** As mlflow.onnx.log_model writes it (MLflow 2.x, PyYAML safe_dump). */
  private static final String MLFLOW_ONNX =
      """
      artifact_path: onnx-model
      flavors:
        onnx:
          code: null
          data: model.onnx
          onnx_session_options: null
          onnx_version: 1.16.1
          providers:
          - CUDAExecutionProvider
          - CPUExecutionProvider
        python_function:
          data: model.onnx
          env:
            conda: conda.yaml
            virtualenv: python_env.yaml
          loader_module: mlflow.onnx
          python_version: 3.11.9
      mlflow_version: 2.14.1
      model_size_bytes: 1821
      model_uuid: 8f2c0b4ad1f94a7c9f0d8c3c6a3c2d11
      run_id: b8ad03e448834d95b10cd2bb4d93a2cb
      saved_input_example_info:
        artifact_path: input_example.json
        serving_input_path: serving_input_example.json
        type: ndarray
      signature:
        inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]},
          "name": "float_input"}]'
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}, "name":
          "label"}]'
        params: null
      utc_time_created: '2024-06-20 08:15:42.123456'
      """;

  /** MLflow 3.x adds model_id and may leave run_id out; columns instead of tensors. */
  private static final String MLFLOW_3_COLUMNS =
      """
      artifact_path: /tmp/x/artifacts
      flavors:
        python_function:
          loader_module: mlflow.sklearn
          model_path: model.pkl
      mlflow_version: 3.1.0
      model_id: m-0a24c301ab8840bc9af390a84b80d1ca
      model_uuid: m-0a24c301ab8840bc9af390a84b80d1ca
      signature:
        inputs: '[{"type": "double", "name": "amount", "required": true}, {"type": "long",
          "name": "age", "required": true}]'
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
        params: null
      utc_time_created: '2025-08-04 11:00:46.002863'
      """;

  @TempDir Path dir;

  @Test
  @DisplayName("an MLmodel written by Python MLflow's onnx flavor reads with its signature")
  void readsMlflowOnnx() throws Exception {
    Files.writeString(dir.resolve("MLmodel"), MLFLOW_ONNX);
    MlModel m = MlModel.read(dir);
    assertThat(m.artifactPath()).isEqualTo("onnx-model");
    assertThat(m.runId()).isEqualTo("b8ad03e448834d95b10cd2bb4d93a2cb");
    assertThat(m.utcTimeCreated()).isEqualTo("2024-06-20 08:15:42.123456");
    assertThat(m.modelSizeBytes()).isEqualTo(1821L);
    assertThat(m.flavor("onnx").orElseThrow()).containsEntry("data", "model.onnx");
    assertThat(m.flavor("python_function").orElseThrow())
        .containsEntry("loader_module", "mlflow.onnx");
    assertThat(m.signature())
        .isEqualTo(
            ModelSignature.of(
                List.of(TensorSpec.of("float_input", DataType.FLOAT32, -1, 4)),
                List.of(TensorSpec.of("label", DataType.INT64, -1))));
    assertThat(m.inputExamplePath()).contains("input_example.json");
    assertThat(m.other()).containsEntry("mlflow_version", "2.14.1");
  }

  @Test
  @DisplayName("an MLflow 3 file with a column signature reads, keeping unknown keys")
  void readsMlflow3Columns() throws Exception {
    Files.writeString(dir.resolve("MLmodel"), MLFLOW_3_COLUMNS);
    MlModel m = MlModel.read(dir);
    assertThat(m.runId()).isNull();
    assertThat(m.other()).containsEntry("model_id", "m-0a24c301ab8840bc9af390a84b80d1ca");
    assertThat(m.signature().inputs())
        .containsExactly(
            TensorSpec.of("amount", DataType.FLOAT64, -1),
            TensorSpec.of("age", DataType.INT64, -1));
    assertThat(m.signature().outputs()).containsExactly(TensorSpec.of("", DataType.INT64, -1));
  }

  @Test
  @DisplayName("what is written reads back equal, and Python's YAML sees the time as a string")
  void roundTrip() throws Exception {
    Map<String, Object> onnx = new LinkedHashMap<>();
    onnx.put("code", null);
    onnx.put("data", "model.onnx");
    onnx.put("providers", List.of("CPUExecutionProvider"));
    MlModel m =
        new MlModel(
            "model",
            "abc",
            "0123456789abcdef0123456789abcdef",
            "2025-01-31 12:00:00.123456",
            Map.of("onnx", onnx),
            ModelSignature.of(
                List.of(TensorSpec.of("x", DataType.FLOAT32, -1, 4)),
                List.of(TensorSpec.of("y", DataType.FLOAT32, -1, 1))),
            Map.of("artifact_path", "input_example.json", "type", "ndarray"),
            1234L,
            Map.of("team", "risk"),
            Map.of("mlflow_version", "2.14.1"));
    m.write(dir);
    String yaml = Files.readString(dir.resolve("MLmodel"));
    assertThat(yaml)
        .contains("utc_time_created: \"2025-01-31 12:00:00.123456\"")
        .contains("model_size_bytes: 1234")
        .doesNotStartWith("---");
    assertThat(yaml.indexOf("artifact_path")).isLessThan(yaml.indexOf("flavors"));
    assertThat(MlModel.read(dir)).isEqualTo(m);
  }

  @Test
  @DisplayName("a directory without MLmodel is reported as not an MLflow model")
  void missingFile() {
    assertThatThrownBy(() -> MlModel.read(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("No MLmodel file");
  }

  @Test
  @DisplayName("a signature with a type that has no tensor form is kept as written, not parsed")
  void unsupportedSignatureKept() throws Exception {
    Files.writeString(
        dir.resolve("MLmodel"),
        "flavors: {}\nsignature:\n  inputs: '[{\"type\": \"datetime\", \"name\": \"t\"}]'\n"
            + "  outputs: '[]'\n");
    MlModel m = MlModel.read(dir);
    assertThat(m.signature()).isNull();
    assertThat(m.other()).containsKey("signature");
    Path copy = Files.createDirectories(dir.resolve("copy"));
    m.write(copy);
    assertThat(MlModel.read(copy).other()).containsKey("signature");
  }
}
