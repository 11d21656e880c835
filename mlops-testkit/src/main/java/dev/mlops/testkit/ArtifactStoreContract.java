package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The artifact store contract: what every {@link ArtifactStore} must do, whatever sits behind it
 * (local files, S3, GCS, an MLflow artifact proxy). A backend runs it with a short subclass that
 * opens an empty store.
 *
 * <pre>{@code
 * class LocalArtifactStoreContractTest extends ArtifactStoreContract {
 *   @Override
 *   protected ArtifactStore openStore(Path workDir) {
 *     Mlops mlops = closeAfterTest(Mlops.builder()
 *         .trackingUri("sqlite:///" + workDir.resolve("mlflow.db").toAbsolutePath())
 *         .workingDirectory(workDir)
 *         .build());
 *     return mlops.artifacts().store(workDir.resolve("artifacts").toUri().toString());
 *   }
 * }
 * }</pre>
 *
 * <p>The kit closes the store after each test; register anything else with {@code closeAfterTest}.
 * Local files the tests upload and download live in a second temporary directory, apart from the
 * one given to {@link #openStore}.
 */
public abstract class ArtifactStoreContract extends BackendContract {

  private @Nullable ArtifactStore store;
  private @Nullable Path local;

  /** Opens an empty store. Called once before each test with a fresh directory. */
  protected abstract ArtifactStore openStore(Path workDir);

  @BeforeEach
  final void openBackend(@TempDir Path storeDir, @TempDir Path localDir) {
    local = localDir;
    store = closeAfterTest(openStore(storeDir));
  }

  /** The store opened for the current test. */
  protected final ArtifactStore store() {
    ArtifactStore s = store;
    if (s == null) {
      throw new IllegalStateException("openStore has not run: call store() from a test.");
    }
    return s;
  }

  /** A path in the current test's local scratch directory. */
  protected final Path local(String relative) {
    Path l = local;
    if (l == null) {
      throw new IllegalStateException("openStore has not run: call local() from a test.");
    }
    return l.resolve(relative);
  }

  // ---- helpers

  private Path file(String relative, byte[] content) {
    Path p = local(relative);
    try {
      Files.createDirectories(p.getParent());
      Files.write(p, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private Path textFile(String relative, String content) {
    return file(relative, content.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] read(String path) {
    try (InputStream in = store().open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readText(String path) {
    return new String(read(path), StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String paths(List<FileInfo> files) {
    return files.stream().map(FileInfo::path).sorted().toList().toString();
  }

  // ---- files

  /** Single files: upload, list, open, download, overwrite and delete. */
  @Nested
  @DisplayName("Files")
  class SingleFiles {

    @Test
    @DisplayName("an uploaded file is listed with its size and read back unchanged")
    void uploadAndRead() {
      store().upload(textFile("a.txt", "hello"), "a.txt");

      assertThat(store().list("")).containsExactly(new FileInfo("a.txt", false, 5));
      assertThat(readText("a.txt")).isEqualTo("hello");
      assertThat(store().rootUri()).isNotBlank();
    }

    @Test
    @DisplayName("a stream is uploaded to a file path and read back unchanged")
    void uploadStream() {
      byte[] content = "from a stream".getBytes(StandardCharsets.UTF_8);

      store().upload(new ByteArrayInputStream(content), "streams/s.txt");

      assertThat(read("streams/s.txt")).isEqualTo(content);
    }

    @Test
    @DisplayName(
        "a file uploaded under nested directories is listed level by level with paths from the root")
    void nestedDirectories() {
      store().upload(textFile("c.txt", "deep"), "a/b/c.txt");

      assertThat(store().list("")).containsExactly(new FileInfo("a", true, -1));
      assertThat(store().list("a")).containsExactly(new FileInfo("a/b", true, -1));
      assertThat(store().list("a/b")).containsExactly(new FileInfo("a/b/c.txt", false, 4));
    }

    @Test
    @DisplayName("uploading to a path that holds a file replaces it")
    void overwrite() {
      store().upload(textFile("v1.txt", "first version"), "model/notes.txt");

      store().upload(textFile("v2.txt", "second"), "model/notes.txt");

      assertThat(readText("model/notes.txt")).isEqualTo("second");
      assertThat(store().list("model")).containsExactly(new FileInfo("model/notes.txt", false, 6));
    }

    @Test
    @DisplayName("an empty file round-trips with size 0")
    void emptyFile() throws IOException {
      store().upload(file("empty", new byte[0]), "empty.bin");

      assertThat(store().list("")).containsExactly(new FileInfo("empty.bin", false, 0));
      assertThat(read("empty.bin")).isEmpty();
      Path downloaded = store().download("empty.bin", local("out"));
      assertThat(Files.size(downloaded)).isZero();
    }

    @Test
    @DisplayName("file and directory names with non-ASCII characters and spaces round-trip")
    void unicodeNames() {
      String path = "données/模型 v1/ü file.txt";

      store().upload(textFile("u.txt", "unicode"), path);

      assertThat(store().list("")).containsExactly(new FileInfo("données", true, -1));
      assertThat(store().list("données/模型 v1")).containsExactly(new FileInfo(path, false, 7));
      assertThat(readText(path)).isEqualTo("unicode");
    }

    @Test
    @DisplayName("5 MB of random bytes round-trip byte for byte through open and download")
    void binaryRoundTrip() throws IOException {
      byte[] content = randomBytes(5 * 1024 * 1024, 42);
      store().upload(file("big.bin", content), "weights/big.bin");

      assertThat(Arrays.equals(read("weights/big.bin"), content)).isTrue();
      Path downloaded = store().download("weights/big.bin", local("out"));
      assertThat(downloaded).isEqualTo(local("out").resolve("big.bin"));
      assertThat(Arrays.equals(Files.readAllBytes(downloaded), content)).isTrue();
      assertThat(store().list("weights"))
          .containsExactly(new FileInfo("weights/big.bin", false, content.length));
    }

    @Test
    @DisplayName("a deleted file is gone and its siblings stay")
    void deleteFile() {
      store().upload(textFile("a.txt", "a"), "d/a.txt");
      store().upload(textFile("b.txt", "b"), "d/b.txt");

      store().delete("d/a.txt");

      assertThat(store().list("d")).containsExactly(new FileInfo("d/b.txt", false, 1));
      assertThatThrownBy(() -> store().open("d/a.txt")).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("deleting a path that does not exist does nothing")
    void deleteMissing() {
      store().upload(textFile("a.txt", "a"), "a.txt");

      store().delete("missing/nothing.txt");

      assertThat(store().list("")).containsExactly(new FileInfo("a.txt", false, 1));
    }
  }

  // ---- directories

  /** Directories: upload, download and delete of whole trees. */
  @Nested
  @DisplayName("Directories")
  class Directories {

    private Path tree() {
      textFile("tree/MLmodel", "flavors: {}");
      textFile("tree/data/weights.bin", "0123456789");
      textFile("tree/data/deeper/extra.txt", "x");
      return local("tree");
    }

    @Test
    @DisplayName("an uploaded directory keeps its tree under the given path")
    void uploadDirectory() {
      store().uploadDirectory(tree(), "model");

      assertThat(paths(store().list("model"))).isEqualTo("[model/MLmodel, model/data]");
      assertThat(store().list("model/data"))
          .containsExactlyInAnyOrder(
              new FileInfo("model/data/deeper", true, -1),
              new FileInfo("model/data/weights.bin", false, 10));
      assertThat(readText("model/data/deeper/extra.txt")).isEqualTo("x");
    }

    @Test
    @DisplayName("a directory uploaded to the root puts its contents at the root")
    void uploadDirectoryToRoot() {
      store().uploadDirectory(tree(), "");

      assertThat(paths(store().list(""))).isEqualTo("[MLmodel, data]");
    }

    @Test
    @DisplayName(
        "a downloaded directory is a local copy of the whole tree named after its last segment")
    void downloadDirectory() throws IOException {
      store().uploadDirectory(tree(), "runs/model");

      Path out = store().download("runs/model", local("out"));

      assertThat(out).isEqualTo(local("out").resolve("model")).isDirectory();
      assertThat(Files.readString(out.resolve("MLmodel"))).isEqualTo("flavors: {}");
      assertThat(Files.readString(out.resolve("data/weights.bin"))).isEqualTo("0123456789");
      assertThat(Files.readString(out.resolve("data/deeper/extra.txt"))).isEqualTo("x");
      try (Stream<Path> all = Files.walk(out)) {
        assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(3);
      }
    }

    @Test
    @DisplayName("a deleted directory is gone with everything under it, and its siblings stay")
    void deleteDirectory() {
      store().uploadDirectory(tree(), "model");
      store().upload(textFile("keep.txt", "keep"), "keep.txt");

      store().delete("model");

      assertThat(store().list("")).containsExactly(new FileInfo("keep.txt", false, 4));
      assertThat(store().list("model")).isEmpty();
      assertThatThrownBy(() -> store().open("model/MLmodel")).isInstanceOf(NotFoundException.class);
    }
  }

  // ---- missing paths

  /** What the store says about paths where nothing is stored. */
  @Nested
  @DisplayName("Missing paths")
  class MissingPaths {

    @Test
    @DisplayName("listing a directory that does not exist gives an empty list")
    void listMissing() {
      assertThat(store().list("")).isEmpty();
      assertThat(store().list("no/such/dir")).isEmpty();
    }

    @Test
    @DisplayName("downloading a path that does not exist fails with NotFoundException naming it")
    void downloadMissing() {
      assertThatThrownBy(() -> store().download("no/such/file.txt", local("out")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("no/such/file.txt");
    }

    @Test
    @DisplayName("opening a file that does not exist fails with NotFoundException naming it")
    void openMissing() {
      assertThatThrownBy(() -> store().open("no/such/file.txt"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("no/such/file.txt");
    }
  }

  // ---- path safety

  /** Paths that would escape the root are rejected by every operation. */
  @Nested
  @DisplayName("Path safety")
  class PathSafety {

    static Stream<Arguments> badPaths() {
      return Stream.of("../escape.txt", "a/../../escape.txt", "/etc/escape.txt", "nul\0byte.txt")
          .map(p -> Arguments.of(p.replace("\0", "\\0"), p));
    }

    private void rejects(String path, Consumer<String> operation) {
      assertThatThrownBy(() -> operation.accept(path)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @DisplayName(
        "'..', absolute and NUL paths are rejected by upload, list, download, open and delete, and nothing is written")
    @MethodSource("badPaths")
    void rejected(String shown, String path) {
      Path source = textFile("payload.txt", "payload");
      store().upload(textFile("keep.txt", "keep"), "keep.txt");

      rejects(path, p -> store().upload(source, p));
      rejects(path, p -> store().upload(new ByteArrayInputStream(new byte[] {1}), p));
      rejects(path, p -> store().uploadDirectory(local(""), p));
      rejects(path, p -> store().list(p));
      rejects(path, p -> store().download(p, local("out")));
      rejects(path, p -> store().open(p));
      rejects(path, p -> store().delete(p));

      assertThat(store().list("")).containsExactly(new FileInfo("keep.txt", false, 4));
    }
  }

  // ---- concurrency

  /** Many threads on one store. */
  @Nested
  @DisplayName("Concurrency")
  class Concurrency {

    private <T> List<T> inParallel(int threads, List<Callable<T>> tasks) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<T> results = new ArrayList<>();
        for (Future<T> f : pool.invokeAll(tasks)) {
          results.add(f.get());
        }
        return results;
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("eight threads uploading different files at once store every file intact")
    void concurrentUploads() throws Exception {
      int threads = 8;
      int files = 12;
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        tasks.add(
            () -> {
              for (int i = 0; i < files; i++) {
                byte[] content = randomBytes(10_000 + i, thread * 1_000L + i);
                store()
                    .upload(file("t" + thread + "/f" + i, content), "shared/t" + thread + "/f" + i);
              }
              return thread;
            });
      }

      inParallel(threads, tasks);

      assertThat(store().list("shared")).hasSize(threads);
      for (int t = 0; t < threads; t++) {
        assertThat(store().list("shared/t" + t)).hasSize(files);
        for (int i = 0; i < files; i++) {
          assertThat(
                  Arrays.equals(
                      read("shared/t" + t + "/f" + i), randomBytes(10_000 + i, t * 1_000L + i)))
              .as("content of shared/t%d/f%d", t, i)
              .isTrue();
        }
      }
    }

    @Test
    @DisplayName("a reader never sees a half-written file while another thread overwrites it")
    void atomicOverwrite() throws Exception {
      int size = 256 * 1024;
      byte[] a = new byte[size];
      byte[] b = new byte[size];
      Arrays.fill(a, (byte) 'a');
      Arrays.fill(b, (byte) 'b');
      Path fileA = file("a.bin", a);
      Path fileB = file("b.bin", b);
      store().upload(fileA, "model.bin");

      Callable<Integer> writer =
          () -> {
            for (int i = 0; i < 40; i++) {
              store().upload(i % 2 == 0 ? fileB : fileA, "model.bin");
            }
            return 0;
          };
      Callable<Integer> reader =
          () -> {
            int checked = 0;
            for (int i = 0; i < 80; i++) {
              byte[] seen = read("model.bin");
              assertThat(seen.length).as("length of a read during overwrites").isEqualTo(size);
              assertThat(Arrays.equals(seen, a) || Arrays.equals(seen, b))
                  .as("a read during overwrites holds one whole version")
                  .isTrue();
              checked++;
            }
            return checked;
          };

      assertThat(inParallel(2, List.of(writer, reader))).containsExactly(0, 80);
    }
  }
}
