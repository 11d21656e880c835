package dev.mlops.internal.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Files of a directory upload")
class UploadFileTest {

  @TempDir Path tmp;

  private Path tree() throws IOException {
    Files.createDirectories(tmp.resolve("tree/data/empty"));
    Files.writeString(tmp.resolve("tree/MLmodel"), "m");
    Files.writeString(tmp.resolve("tree/data/w.bin"), "w");
    return tmp.resolve("tree");
  }

  @Test
  @DisplayName("every regular file is listed in path order with its artifact path below the base")
  void listsFiles() throws IOException {
    Path dir = tree();

    assertThat(UploadFile.fromDirectory(dir, "model/"))
        .containsExactly(
            new UploadFile(dir.resolve("MLmodel"), "model/MLmodel"),
            new UploadFile(dir.resolve("data/w.bin"), "model/data/w.bin"));
    assertThat(UploadFile.fromDirectory(dir, ""))
        .extracting(UploadFile::path)
        .containsExactly("MLmodel", "data/w.bin");
    assertThat(UploadFile.fromDirectory(dir.resolve("data/empty"), "x")).isEmpty();
  }

  @Test
  @DisplayName("a missing directory, a file or a bad base path is refused naming it")
  void refuses() throws IOException {
    Path dir = tree();

    assertThatThrownBy(() -> UploadFile.fromDirectory(tmp.resolve("ghost"), ""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ghost")
        .hasMessageContaining("does not exist or is not a directory");
    assertThatThrownBy(() -> UploadFile.fromDirectory(dir.resolve("MLmodel"), ""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLmodel");
    assertThatThrownBy(() -> UploadFile.fromDirectory(dir, "../up"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'..'");
  }
}
