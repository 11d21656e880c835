package dev.mlops.internal.mlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checking and copying the external data files of an ONNX model. */
class ExternalDataFilesTest {

  @TempDir Path dir;
  private Path src;
  private Path onnx;

  @BeforeEach
  void model() throws IOException {
    src = Files.createDirectories(dir.resolve("src"));
    onnx = Files.write(src.resolve("net.onnx"), new byte[] {1});
  }

  private Path data(String location, int size) throws IOException {
    Path p = src.resolve(location);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[size]);
  }

  private ExternalDataFiles resolve(ExternalTensor... tensors) {
    return ExternalDataFiles.resolve(onnx, List.of(tensors), ModelLog.OWN_FILES);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> rejects(ExternalTensor t) {
    return assertThatThrownBy(() -> resolve(t))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Tensor '" + t.tensor() + "'")
        .hasMessageContaining(onnx.toString());
  }

  @Test
  @DisplayName("files are copied beside the model, keeping subdirectories, each file once")
  void copies() throws IOException {
    data("net.onnx.data", 96);
    data("weights/layer2.bin", 16);
    ExternalDataFiles files =
        resolve(
            new ExternalTensor("w1", "net.onnx.data", 0, 64),
            new ExternalTensor("b1", "./net.onnx.data", 64, 32),
            new ExternalTensor("w2", "weights/layer2.bin", 0, -1));
    assertThat(files.locations())
        .containsExactly(Path.of("net.onnx.data"), Path.of("weights", "layer2.bin"));

    Path out = Files.createDirectories(dir.resolve("out"));
    files.copyInto(out);
    assertThat(out.resolve("net.onnx.data")).hasSameBinaryContentAs(src.resolve("net.onnx.data"));
    assertThat(out.resolve("weights/layer2.bin")).hasSize(16);
    try (var listing = Files.walk(out)) {
      assertThat(listing.filter(Files::isRegularFile)).hasSize(2);
    }
  }

  @Test
  @DisplayName("a model without external tensors has nothing to copy")
  void none() {
    assertThat(resolve().locations()).isEmpty();
  }

  @Test
  @DisplayName("an absolute location is rejected, whichever platform wrote it")
  void absolute() throws IOException {
    Path abs = data("abs.bin", 4).toAbsolutePath();
    for (String location : List.of(abs.toString(), "\\\\server\\share\\w.bin", "C:\\w.bin")) {
      rejects(new ExternalTensor("w", location, 0, 4)).hasMessageContaining("absolute path");
    }
  }

  @Test
  @DisplayName("a location leaving the model's directory with .. is rejected, even if it exists")
  void dotDot() throws IOException {
    Files.write(dir.resolve("outside.bin"), new byte[4]);
    for (String location : List.of("../outside.bin", "sub/../../outside.bin", "sub\\..\\x")) {
      rejects(new ExternalTensor("w", location, 0, 4))
          .hasMessageContaining("'" + location + "'")
          .hasMessageContaining("'..'");
    }
  }

  @Test
  @DisplayName("a location with a NUL character is rejected")
  void nul() {
    rejects(new ExternalTensor("w", "w\0.bin", 0, 4)).hasMessageContaining("NUL");
  }

  @Test
  @DisplayName("an empty location or one naming the directory itself is rejected")
  void empty() {
    rejects(new ExternalTensor("w", " ", 0, 4)).hasMessageContaining("is empty");
    rejects(new ExternalTensor("w", "./", 0, 4)).hasMessageContaining("does not name a file");
  }

  @Test
  @DisplayName("a missing file is rejected with the path it was looked for at")
  void missing() {
    rejects(new ExternalTensor("w", "gone.bin", 0, 4))
        .hasMessageContaining("does not exist")
        .hasMessageContaining(src.resolve("gone.bin").toString())
        .hasMessageContaining("Keep the external data files next to the .onnx file");
  }

  @Test
  @DisplayName("a directory is not a data file")
  void directory() throws IOException {
    Files.createDirectories(src.resolve("weights"));
    rejects(new ExternalTensor("w", "weights", 0, -1)).hasMessageContaining("not a regular file");
  }

  @Test
  @DisplayName("a file shorter than offset plus length is rejected with both numbers")
  void tooShort() throws IOException {
    data("w.bin", 100);
    assertThat(resolve(new ExternalTensor("w", "w.bin", 60, 40)).locations()).hasSize(1);
    rejects(new ExternalTensor("w", "w.bin", 60, 41))
        .hasMessageContaining("needs 41 bytes from offset 60")
        .hasMessageContaining("holds 100 bytes");
    rejects(new ExternalTensor("w", "w.bin", 101, -1))
        .hasMessageContaining("needs the bytes from offset 101");
    rejects(new ExternalTensor("w", "w.bin", 1, Long.MAX_VALUE)).hasMessageContaining("too short");
  }

  @Test
  @DisplayName("a name the MLflow model directory uses itself is rejected, in any letter case")
  void reserved() throws IOException {
    for (String location : List.of("MLmodel", "model.onnx", "Conda.yaml", "model.onnx/w.bin")) {
      rejects(new ExternalTensor("w", location, 0, -1))
          .hasMessageContaining("the MLflow model directory holds itself");
    }
  }

  @Test
  @DisplayName("a link pointing outside the model's directory is rejected")
  void linkOut() throws IOException {
    Path secret = Files.write(dir.resolve("secret.txt"), new byte[8]);
    try {
      Files.createSymbolicLink(src.resolve("w.bin"), secret);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links are not available here: " + e);
    }
    rejects(new ExternalTensor("w", "w.bin", 0, 8))
        .hasMessageContaining("is a link to")
        .hasMessageContaining("outside the model's directory");
  }

  @Test
  @DisplayName("a link to a file inside the model's directory is copied as a file")
  void linkInside() throws IOException {
    data("real/w.bin", 8);
    try {
      Files.createSymbolicLink(src.resolve("w.bin"), Path.of("real", "w.bin"));
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links are not available here: " + e);
    }
    Path out = Files.createDirectories(dir.resolve("out"));
    resolve(new ExternalTensor("w", "w.bin", 0, 8)).copyInto(out);
    assertThat(out.resolve("w.bin")).isRegularFile().hasSize(8);
    assertThat(Files.isSymbolicLink(out.resolve("w.bin"))).isFalse();
  }
}
