package dev.mlops.internal.mlmodel;

import static dev.mlops.internal.mlmodel.OnnxBytes.externalTensor;
import static dev.mlops.internal.mlmodel.OnnxBytes.initializer;
import static dev.mlops.internal.mlmodel.OnnxBytes.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.MlModel;
import dev.mlops.model.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ActiveRun.logModel} with an ONNX model whose weights are in external data files. */
class LogModelExternalDataTest {

  @TempDir Path dir;
  private Mlops mlops;
  private Path src;

  @BeforeEach
  void open() throws IOException {
    mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .build();
    src = Files.createDirectories(dir.resolve("export"));
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = src.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.write(p, bytes);
  }

  @Test
  @DisplayName(
      "external data files are logged beside model.onnx at their relative paths and counted in"
          + " model_size_bytes")
  void copiedBesideTheModel() throws IOException {
    byte[] shared = new byte[96];
    shared[5] = 42;
    write("net.onnx.data", shared);
    write("weights/head.bin", new byte[16]);
    Path onnx =
        write(
            "net.onnx",
            model(
                initializer(externalTensor("w1", "net.onnx.data", 0, 64)),
                initializer(externalTensor("b1", "net.onnx.data", 64, 32)),
                initializer(externalTensor("w2", "weights/head.bin", 0, 16))));

    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("external-data")) {
      logged = run.logModel("model", OnnxModel.of(onnx));
    }

    Path downloaded = mlops.models().download(logged.modelUri());
    assertThat(downloaded.resolve("model.onnx")).hasSameBinaryContentAs(onnx);
    assertThat(downloaded.resolve("net.onnx.data")).hasBinaryContent(shared);
    assertThat(downloaded.resolve("weights/head.bin")).hasSize(16);
    MlModel m = MlModel.read(downloaded);
    assertThat(m.modelSizeBytes()).isEqualTo(Files.size(onnx) + 96 + 16);
    assertThat(m.flavor("onnx").orElseThrow()).containsEntry("data", "model.onnx");
  }

  @Test
  @DisplayName("a model whose data file is missing is rejected before anything is logged")
  void missingFileLogsNothing() throws IOException {
    Path onnx = write("net.onnx", model(initializer(externalTensor("w1", "net.onnx.data", 0, 64))));
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("external-data")) {
      runId = run.runId();
      assertThatThrownBy(() -> run.logModel("model", OnnxModel.of(onnx)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Tensor 'w1'")
          .hasMessageContaining("'net.onnx.data'")
          .hasMessageContaining("does not exist");
    }
    assertThat(mlops.artifacts().list("runs:/" + runId)).isEmpty();
  }

  @Test
  @DisplayName("a location outside the model's directory is rejected and nothing is copied")
  void outsideLogsNothing() throws IOException {
    Files.write(dir.resolve("secret.bin"), new byte[64]);
    Path onnx = write("net.onnx", model(initializer(externalTensor("w1", "../secret.bin", 0, 64))));
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("external-data")) {
      runId = run.runId();
      assertThatThrownBy(() -> run.logModel("model", OnnxModel.of(onnx)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'../secret.bin'")
          .hasMessageContaining("leaves the model's directory");
    }
    assertThat(mlops.artifacts().list("runs:/" + runId)).isEmpty();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("secret.bin")))
          .containsExactly(dir.resolve("secret.bin"));
    }
  }
}
