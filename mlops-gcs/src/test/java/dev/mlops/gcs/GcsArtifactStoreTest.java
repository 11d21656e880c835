package dev.mlops.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.Blob;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("GcsArtifactStore against the in-memory Storage")
class GcsArtifactStoreTest {

  private CheckingStorage checking;
  private GcsArtifactStore store;
  @TempDir Path tmp;

  @BeforeEach
  void open() {
    checking = new CheckingStorage();
    store =
        new GcsArtifactStore(
            checking.storage,
            GcsArtifactStoreProvider.URIS.parse("gs://ml-bucket/exp/1"),
            GcsSettings.from(name -> Optional.empty()),
            true);
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static String crc(byte[] content) {
    CRC32C c = new CRC32C();
    c.update(content);
    return GcsArtifactStore.base64(c);
  }

  @Test
  @DisplayName("a file uploaded is listed with its size and reads back byte for byte")
  void roundTrip() throws IOException {
    byte[] content = random(3 * 1024 * 1024 + 5);
    Path f = Files.write(tmp.resolve("w.bin"), content);
    store.upload(f, "model/w.bin");

    assertThat(store.list("model"))
        .containsExactly(new FileInfo("model/w.bin", false, content.length));
    try (InputStream in = store.open("model/w.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(store.download("model/w.bin", tmp.resolve("out"))).hasBinaryContent(content);
    assertThat(store.rootUri()).isEqualTo("gs://ml-bucket/exp/1");
  }

  @Test
  @DisplayName("an upload carries the file's CRC32C and asks Cloud Storage to check it")
  void uploadCarriesCrc32c() throws IOException {
    byte[] content = "checked".getBytes(StandardCharsets.UTF_8);
    store.upload(Files.write(tmp.resolve("c.txt"), content), "c.txt");

    assertThat(checking.written).hasSize(1);
    assertThat(checking.written.get(0).getCrc32c()).isEqualTo(crc(content));
    assertThat(checking.written.get(0).getName()).isEqualTo("exp/1/c.txt");
    assertThat(checking.written.get(0).getContentType()).isEqualTo("text/plain");
  }

  @Test
  @DisplayName("a download whose bytes do not match the stored CRC32C fails and writes nothing")
  void downloadChecksCrc32c() throws IOException {
    byte[] content = random(100_000);
    store.upload(new ByteArrayInputStream(content), "d.bin");

    checking.onGet = b -> b.toBuilder().setCrc32c(crc(content)).build();
    assertThat(store.download("d.bin", tmp.resolve("good"))).hasBinaryContent(content);

    checking.onGet =
        b -> b.toBuilder().setCrc32c(crc("other".getBytes(StandardCharsets.UTF_8))).build();
    Path out = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(out.resolve("d.bin"), "old");
    assertThatThrownBy(() -> store.download("d.bin", out))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("gs://ml-bucket/exp/1/d.bin")
        .hasMessageContaining("do not match its CRC32C");
    assertThat(out.resolve("d.bin")).hasContent("old");
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(out.resolve("d.bin"));
    }
  }

  @Test
  @DisplayName("a file that changes while it is uploaded fails and stores nothing")
  void fileChanges() throws IOException {
    Path f = Files.write(tmp.resolve("grow.bin"), random(2 * 1024 * 1024));
    checking.onFirstWrite =
        () -> {
          try {
            Files.write(f, new byte[] {1}, StandardOpenOption.APPEND);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        };

    assertThatThrownBy(() -> store.upload(f, "grow.bin"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining(
            "changed while it was being uploaded to gs://ml-bucket/exp/1/grow.bin")
        .hasMessageContaining("nothing was stored");
    assertThat(checking.written).hasSize(1);
    assertThat(checking.commits).hasValue(0);
  }

  @Test
  @DisplayName("missing objects are NotFound naming the gs:// URI")
  void missing() {
    assertThatThrownBy(() -> store.open("nope"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("gs://ml-bucket/exp/1/nope");
    assertThatThrownBy(() -> store.download("nope", tmp.resolve("out")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("gs://ml-bucket/exp/1/nope");
  }

  @Test
  @DisplayName("bad paths are refused before any request")
  void badPaths() throws IOException {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    assertThatThrownBy(() -> store.upload(f, "../x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.upload(tmp.resolve("ghost"), "x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(() -> store.list("/abs")).isInstanceOf(InvalidInputException.class);
    assertThat(checking.written).isEmpty();
  }

  @Test
  @DisplayName("a target that cannot be a directory is a clear error and nothing is written")
  void unwritableTarget() throws IOException {
    store.upload(new ByteArrayInputStream(new byte[] {1}), "f.bin");
    Path blocker = Files.writeString(tmp.resolve("blocker"), "file");

    assertThatThrownBy(() -> store.download("f.bin", blocker.resolve("sub")))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("gs://ml-bucket/exp/1/f.bin")
        .hasMessageContaining("writable directory");
    assertThat(blocker).hasContent("file");
  }

  @Test
  @DisplayName("a stream upload is stored whole")
  void stream() throws IOException {
    byte[] content = random(40_000_000);
    store.upload(new ByteArrayInputStream(content), "s.bin");

    Blob blob =
        checking.storage.get(com.google.cloud.storage.BlobId.of("ml-bucket", "exp/1/s.bin"));
    assertThat(blob.getSize()).isEqualTo(content.length);
    try (InputStream in = store.open("s.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }
}
