package dev.mlops.internal.artifacts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The local artifact store")
class LocalArtifactStoreTest {

  @TempDir Path tmp;
  Path root;
  LocalArtifactStore store;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    store = LocalArtifactStore.open(root.toUri().toString(), tmp);
  }

  private Path localFile(String name, String content) throws IOException {
    Path f = tmp.resolve("src").resolve(name);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, content);
  }

  private String read(String path) throws IOException {
    try (InputStream in = store.open(path)) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  private static List<Path> temporaryFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().startsWith(".mlops-")).toList();
    }
  }

  @Nested
  @DisplayName("root URIs")
  class RootUris {

    @Test
    @DisplayName(
        "file:/abs, file:///abs, file://localhost/abs and a plain absolute path name the same"
            + " directory")
    void acceptedForms() {
      String abs = root.toString();
      assertThat(LocalArtifactStore.rootPath("file:" + abs, tmp)).isEqualTo(root);
      assertThat(LocalArtifactStore.rootPath("file://" + abs, tmp)).isEqualTo(root);
      assertThat(LocalArtifactStore.rootPath("file://localhost" + abs, tmp)).isEqualTo(root);
      assertThat(LocalArtifactStore.rootPath(abs, tmp)).isEqualTo(root);
    }

    @Test
    @DisplayName("a relative plain path is resolved against the working directory")
    void relativePath() {
      assertThat(LocalArtifactStore.rootPath("mlruns/0", tmp)).isEqualTo(tmp.resolve("mlruns/0"));
    }

    @Test
    @DisplayName("percent-encoded and unencoded spaces both work in file URIs")
    void spaces() {
      Path spaced = tmp.resolve("with space");
      assertThat(LocalArtifactStore.rootPath(spaced.toUri().toString(), tmp)).isEqualTo(spaced);
      assertThat(LocalArtifactStore.rootPath("file://" + spaced, tmp)).isEqualTo(spaced);
    }

    @Test
    @DisplayName("a file URI with a remote host is rejected, naming the host")
    void remoteHost() {
      assertThatThrownBy(() -> LocalArtifactStore.rootPath("file://server/share/x", tmp))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'server'")
          .hasMessageContaining("file:///path");
    }

    @Test
    @DisplayName("the provider handles the file scheme and keeps the root URI as given")
    void provider() {
      LocalArtifactStoreProvider provider = new LocalArtifactStoreProvider();
      assertThat(provider.schemes()).containsExactly("file");
      String uri = "file://" + root;
      assertThat(TestStores.create(tmp).open(uri).rootUri()).isEqualTo(uri);
      assertThat(TestStores.create(tmp).open(root.toString()))
          .isInstanceOf(LocalArtifactStore.class);
    }
  }

  @Nested
  @DisplayName("uploads")
  class Uploads {

    @Test
    @DisplayName("a file uploaded to a nested path can be read back, with its directories created")
    void roundTrip() throws IOException {
      store.upload(localFile("a.txt", "hello"), "model/sub/a.txt");
      assertThat(root.resolve("model/sub/a.txt")).hasContent("hello");
      assertThat(read("model/sub/a.txt")).isEqualTo("hello");
    }

    @Test
    @DisplayName("a stream upload replaces an existing file and leaves no temporary file")
    void streamReplaces() throws IOException {
      store.upload(new ByteArrayInputStream("v1".getBytes(UTF_8)), "x.txt");
      store.upload(new ByteArrayInputStream("version two".getBytes(UTF_8)), "x.txt");
      assertThat(read("x.txt")).isEqualTo("version two");
      assertThat(temporaryFiles(root)).isEmpty();
    }

    @Test
    @DisplayName(
        "a stream that fails half way leaves the previous file whole and no temporary file")
    void failedWriteIsInvisible() throws IOException {
      store.upload(new ByteArrayInputStream("the old content".getBytes(UTF_8)), "x.txt");
      InputStream failing =
          new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
              if (sent++ < 4096) {
                return 'n';
              }
              throw new IOException("connection reset");
            }
          };
      assertThatThrownBy(() -> store.upload(failing, "x.txt"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("x.txt")
          .hasMessageContaining("connection reset");
      assertThat(read("x.txt")).isEqualTo("the old content");
      assertThat(temporaryFiles(root)).isEmpty();
    }

    @Test
    @DisplayName("a reader that opened the old file keeps reading the old content after a replace")
    void replaceIsARename() throws IOException {
      store.upload(new ByteArrayInputStream("old-old-old".getBytes(UTF_8)), "x.txt");
      try (InputStream old = store.open("x.txt")) {
        store.upload(new ByteArrayInputStream("new".getBytes(UTF_8)), "x.txt");
        assertThat(new String(old.readAllBytes(), UTF_8)).isEqualTo("old-old-old");
      }
      assertThat(read("x.txt")).isEqualTo("new");
    }

    @Test
    @DisplayName("a directory upload copies every file and empty directory recursively")
    void directory() throws IOException {
      Path dir = tmp.resolve("model");
      Files.createDirectories(dir.resolve("a/b"));
      Files.createDirectories(dir.resolve("empty"));
      Files.writeString(dir.resolve("MLmodel"), "flavors: {}");
      Files.writeString(dir.resolve("a/b/weights.bin"), "0101");
      store.uploadDirectory(dir, "models/m");
      assertThat(root.resolve("models/m/MLmodel")).hasContent("flavors: {}");
      assertThat(root.resolve("models/m/a/b/weights.bin")).hasContent("0101");
      assertThat(root.resolve("models/m/empty")).isEmptyDirectory();
      store.uploadDirectory(dir, "");
      assertThat(root.resolve("MLmodel")).hasContent("flavors: {}");
    }

    @Test
    @DisplayName("a missing local file or directory is an invalid input naming it")
    void missingSource() {
      Path missing = tmp.resolve("nope.bin");
      assertThatThrownBy(() -> store.upload(missing, "x.bin"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(missing.toString());
      assertThatThrownBy(() -> store.uploadDirectory(missing, "d"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(missing.toString());
      assertThatThrownBy(() -> store.upload(tmp, "x.bin"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("uploadDirectory");
    }

    @Test
    @DisplayName("writing a file where a directory is, or under a file, is an invalid input")
    void typeClash() throws IOException {
      store.upload(localFile("a.txt", "a"), "d/a.txt");
      assertThatThrownBy(() -> store.upload(localFile("b.txt", "b"), "d"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("directory");
      assertThatThrownBy(() -> store.upload(localFile("c.txt", "c"), "d/a.txt/c.txt"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("is a file");
    }

    @Test
    @DisplayName("uploading a file needs a file path, not the root")
    void rootIsNotAFile() throws IOException {
      Path f = localFile("a.txt", "a");
      assertThatThrownBy(() -> store.upload(f, "")).isInstanceOf(InvalidInputException.class);
    }
  }

  @Nested
  @DisplayName("paths that leave the root")
  class Traversal {

    @ParameterizedTest(name = "''{0}'' is rejected everywhere")
    @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", "C:/x", "a\0b", ".."})
    @DisplayName("'..', absolute paths and NUL are rejected by every operation")
    void rejected(String path) throws IOException {
      Path f = localFile("a.txt", "a");
      assertThatThrownBy(() -> store.upload(f, path)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.upload(new ByteArrayInputStream(new byte[0]), path))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.uploadDirectory(tmp.resolve("src"), path))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.open(path)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.list(path)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.download(path, tmp.resolve("out")))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.delete(path)).isInstanceOf(InvalidInputException.class);
      try (Stream<Path> files = Files.list(tmp)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsOnly("root", "src");
      }
    }

    @Test
    @DisplayName(
        "a symbolic link to a directory outside the root cannot be written, read or listed through")
    void directoryLinkEscape() throws IOException {
      Path outside = Files.createDirectories(tmp.resolve("outside"));
      Files.writeString(outside.resolve("secret.txt"), "secret");
      Files.createSymbolicLink(root.resolve("link"), outside);

      Path f = localFile("a.txt", "a");
      assertThatThrownBy(() -> store.upload(f, "link/new.txt"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("link/new.txt")
          .hasMessageContaining("outside the artifact root");
      assertThatThrownBy(() -> store.upload(f, "link/deeper/new.txt"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.open("link/secret.txt"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.list("link")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.download("link", tmp.resolve("out")))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.delete("link/secret.txt"))
          .isInstanceOf(InvalidInputException.class);
      try (Stream<Path> files = Files.list(outside)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
      }
    }

    @Test
    @DisplayName(
        "a symbolic link to a file outside the root cannot be read, nor copied by a directory"
            + " download")
    void fileLinkEscape() throws IOException {
      Path secret = Files.writeString(tmp.resolve("secret.txt"), "secret");
      Files.createDirectories(root.resolve("model"));
      Files.writeString(root.resolve("model/ok.txt"), "ok");
      Files.createSymbolicLink(root.resolve("model/leak.txt"), secret);

      assertThatThrownBy(() -> store.open("model/leak.txt"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.download("model", tmp.resolve("out")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("model/leak.txt");
      assertThat(tmp.resolve("out/model/leak.txt")).doesNotExist();
    }

    @Test
    @DisplayName("a symbolic link that stays inside the root is followed")
    void linkInsideRoot() throws IOException {
      Files.createDirectories(root.resolve("real"));
      Files.writeString(root.resolve("real/a.txt"), "a");
      Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
      assertThat(read("alias/a.txt")).isEqualTo("a");
      assertThat(store.list("alias")).containsExactly(new FileInfo("alias/a.txt", false, 1));
    }

    @Test
    @DisplayName("a root reached through a symbolic link works")
    void linkedRoot() throws IOException {
      Path linkedRoot = Files.createSymbolicLink(tmp.resolve("root-link"), root);
      LocalArtifactStore linked = LocalArtifactStore.open(linkedRoot.toString(), tmp);
      linked.upload(localFile("a.txt", "a"), "d/a.txt");
      assertThat(root.resolve("d/a.txt")).hasContent("a");
    }
  }

  @Nested
  @DisplayName("listing")
  class Listing {

    @Test
    @DisplayName("lists direct children sorted, relative to the root, directories with size -1")
    void children() throws IOException {
      store.upload(localFile("b", "bbb"), "model/b.bin");
      store.upload(localFile("a", "a"), "model/a.txt");
      store.upload(localFile("c", "cc"), "model/sub/c.txt");
      store.upload(localFile("d", "d"), "top.txt");

      assertThat(store.list("model"))
          .containsExactly(
              new FileInfo("model/a.txt", false, 1),
              new FileInfo("model/b.bin", false, 3),
              new FileInfo("model/sub", true, -1));
      assertThat(store.list(""))
          .containsExactly(new FileInfo("model", true, -1), new FileInfo("top.txt", false, 1));
      assertThat(store.list("./model/")).isEqualTo(store.list("model"));
    }

    @Test
    @DisplayName("a missing directory, a file and a missing root list as empty")
    void empty() throws IOException {
      store.upload(localFile("a", "a"), "a.txt");
      assertThat(store.list("nope")).isEmpty();
      assertThat(store.list("a.txt")).isEmpty();
      assertThat(LocalArtifactStore.open(tmp.resolve("missing").toString(), tmp).list(""))
          .isEmpty();
    }

    @Test
    @DisplayName("temporary files of writes in progress are not listed")
    void hidesTemporaryFiles() throws IOException {
      store.upload(localFile("a", "a"), "d/a.txt");
      Files.writeString(root.resolve("d/.mlops-0000.tmp"), "half");
      assertThat(store.list("d")).containsExactly(new FileInfo("d/a.txt", false, 1));
    }
  }

  @Nested
  @DisplayName("downloads")
  class Downloads {

    @Test
    @DisplayName("a file lands in the target directory under its own name")
    void file() throws IOException {
      store.upload(localFile("a", "weights"), "model/w.bin");
      Path out = store.download("model/w.bin", tmp.resolve("out"));
      assertThat(out).isEqualTo(tmp.resolve("out/w.bin")).hasContent("weights");
    }

    @Test
    @DisplayName("a directory is copied recursively under its last segment's name")
    void directory() throws IOException {
      store.upload(localFile("a", "m"), "run/model/MLmodel");
      store.upload(localFile("b", "w"), "run/model/data/w.bin");
      Files.writeString(root.resolve("run/model/.mlops-1.tmp"), "half");
      Path out = store.download("run/model", tmp.resolve("out"));
      assertThat(out).isEqualTo(tmp.resolve("out/model"));
      assertThat(out.resolve("MLmodel")).hasContent("m");
      assertThat(out.resolve("data/w.bin")).hasContent("w");
      assertThat(out.resolve(".mlops-1.tmp")).doesNotExist();
      assertThat(temporaryFiles(tmp.resolve("out"))).isEmpty();
    }

    @Test
    @DisplayName("the root is copied into the target directory itself")
    void root() throws IOException {
      store.upload(localFile("a", "m"), "MLmodel");
      Path out = store.download("", tmp.resolve("out"));
      assertThat(out).isEqualTo(tmp.resolve("out"));
      assertThat(out.resolve("MLmodel")).hasContent("m");
    }

    @Test
    @DisplayName("a missing path is not found, naming the path")
    void missing() throws IOException {
      store.upload(localFile("f", "f"), "a-file");
      assertThatThrownBy(() -> store.download("model/nope.bin", tmp.resolve("out")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("model/nope.bin");
      assertThatThrownBy(() -> store.open("nope.txt"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("nope.txt");
      assertThatThrownBy(() -> store.open("a-file/under")).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("a target directory that cannot be written is a clear error naming it")
    void unwritableTarget() throws IOException {
      store.upload(localFile("a", "a"), "a.txt");
      Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a directory");
      Path target = blocker.resolve("out");
      assertThatThrownBy(() -> store.download("a.txt", target))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining(target.toString())
          .hasMessageContaining("writable");
    }
  }

  @Nested
  @DisplayName("deleting")
  class Deleting {

    @Test
    @DisplayName("deletes a directory with everything under it")
    void recursive() throws IOException {
      store.upload(localFile("a", "a"), "model/a.txt");
      store.upload(localFile("b", "b"), "model/sub/b.txt");
      store.upload(localFile("c", "c"), "keep.txt");
      store.delete("model");
      assertThat(root.resolve("model")).doesNotExist();
      assertThat(store.list("")).containsExactly(new FileInfo("keep.txt", false, 1));
    }

    @Test
    @DisplayName("deleting something missing does nothing")
    void missing() {
      store.delete("nothing/here");
      LocalArtifactStore.open(tmp.resolve("missing").toString(), tmp).delete("");
      assertThat(root).isEmptyDirectory();
    }

    @Test
    @DisplayName("a link inside the root is removed, never what it points at")
    void linkNotFollowed() throws IOException {
      Files.createDirectories(root.resolve("real"));
      Files.writeString(root.resolve("real/a.txt"), "a");
      Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
      store.delete("alias");
      assertThat(root.resolve("alias")).doesNotExist();
      assertThat(root.resolve("real/a.txt")).hasContent("a");
    }
  }
}
