package dev.mlops.internal.models;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.NotFoundException;
import dev.mlops.internal.artifacts.LocalArtifactStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The model download cache")
class ModelCacheTest {

  static final String KEY = "file:///data/mlruns/0/abc/artifacts/model\nfraud\n3";

  @TempDir Path tmp;
  Path cacheDir;
  Path sourceRoot;

  @BeforeEach
  void setUp() throws IOException {
    cacheDir = tmp.resolve("cache");
    sourceRoot = tmp.resolve("source");
    Files.createDirectories(sourceRoot.resolve("model/data"));
    Files.writeString(sourceRoot.resolve("model/MLmodel"), "flavors: {}");
    Files.writeString(sourceRoot.resolve("model/data/weights.bin"), "0101");
  }

  private static List<String> namesIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @DisplayName(
      "the first call downloads into <sha[0..2]>/<sha> with a marker, the second reads the cache")
  void downloadsOnce() throws IOException {
    ModelCache cache = new ModelCache(cacheDir);
    CountingStore store = new CountingStore(LocalArtifactStore.open(sourceRoot.toString(), tmp));
    Path first = cache.get(KEY, dir -> store.download("model", dir));
    Path second = cache.get(KEY, dir -> store.download("model", dir));

    String sha = ModelCache.sha256(KEY);
    assertThat(first)
        .isEqualTo(cacheDir.resolve(sha.substring(0, 2)).resolve(sha).resolve("model"));
    assertThat(second).isEqualTo(first);
    assertThat(store.reads()).isEqualTo(1);
    assertThat(first.resolve("data/weights.bin")).hasContent("0101");
    assertThat(first.resolveSibling(ModelCache.COMPLETE)).hasContent("model");
    assertThat(namesIn(cache.tmpDir())).isEmpty();
  }

  @Test
  @DisplayName("eight threads asking at once download once and all get the same complete path")
  void threadsDownloadOnce() throws Exception {
    ModelCache cache = new ModelCache(cacheDir);
    CountingStore store = new CountingStore(LocalArtifactStore.open(sourceRoot.toString(), tmp));
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  Path p = cache.get(KEY, dir -> store.download("model", dir));
                  assertThat(p.resolve("data/weights.bin")).hasContent("0101");
                  return p;
                }));
      }
      List<Path> paths = new ArrayList<>();
      for (Future<Path> f : results) {
        paths.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(paths).containsOnly(paths.get(0));
      assertThat(store.reads()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("two JVM processes asking at once download once and get the same path")
  void processesDownloadOnce() throws Exception {
    ModelCache cache = new ModelCache(cacheDir);
    Path countDir = Files.createDirectories(tmp.resolve("count"));
    Path source = Files.writeString(tmp.resolve("weights.bin"), "from-a-child");
    Path lockFile = cache.lockFileFor(KEY);
    Files.createDirectories(lockFile.getParent());

    List<Process> children = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    // Hold the key's lock while both children start, so both queue on it before either downloads.
    try (FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = channel.lock();
      try {
        for (int i = 0; i < 2; i++) {
          Process p =
              new ProcessBuilder(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      System.getProperty("java.class.path"),
                      CacheProcessMain.class.getName(),
                      cacheDir.toString(),
                      KEY,
                      source.toString(),
                      countDir.toString())
                  .redirectError(tmp.resolve("child-" + i + ".err").toFile())
                  .start();
          children.add(p);
          outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8)));
        }
        for (BufferedReader out : outputs) {
          assertThat(out.readLine()).isEqualTo("ready");
        }
      } finally {
        held.release();
      }
    }

    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Process p = children.get(i);
      String line = outputs.get(i).readLine();
      boolean exited = p.waitFor(120, TimeUnit.SECONDS);
      String err = Files.readString(tmp.resolve("child-" + i + ".err"));
      assertThat(exited).as("child %d exited; stderr: %s", i, err).isTrue();
      assertThat(p.exitValue()).as("child %d exit code; stderr: %s", i, err).isZero();
      assertThat(line).startsWith("path=");
      paths.add(line.substring("path=".length()));
    }
    assertThat(paths.get(1)).isEqualTo(paths.get(0));
    assertThat(Path.of(paths.get(0)).resolve("weights.bin")).hasContent("from-a-child");
    assertThat(namesIn(countDir)).hasSize(1);
  }

  @Test
  @DisplayName("a half download left by a crashed process is removed and never served")
  void crashedDownloadDoesNotPoison() throws IOException {
    ModelCache cache = new ModelCache(cacheDir);
    String sha = ModelCache.sha256(KEY);
    Path abandoned = cache.tmpDir().resolve(sha + "-crashed");
    Files.createDirectories(abandoned.resolve("model"));
    Files.writeString(abandoned.resolve("model/MLmodel"), "flav");

    CountingStore store = new CountingStore(LocalArtifactStore.open(sourceRoot.toString(), tmp));
    Path got = cache.get(KEY, dir -> store.download("model", dir));
    assertThat(store.reads()).isEqualTo(1);
    assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(abandoned).doesNotExist();
  }

  @Test
  @DisplayName("an entry without its completion marker is downloaded again")
  void entryWithoutMarker() throws IOException {
    ModelCache cache = new ModelCache(cacheDir);
    Path entry = cache.entryFor(KEY);
    Files.createDirectories(entry.resolve("model"));
    Files.writeString(entry.resolve("model/MLmodel"), "flav");

    CountingStore store = new CountingStore(LocalArtifactStore.open(sourceRoot.toString(), tmp));
    Path got = cache.get(KEY, dir -> store.download("model", dir));
    assertThat(store.reads()).isEqualTo(1);
    assertThat(got).isEqualTo(entry.resolve("model"));
    assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(got.resolve("data/weights.bin")).hasContent("0101");
  }

  @Test
  @DisplayName("a failed download leaves nothing behind, and the next call downloads")
  void failedDownload() throws IOException {
    ModelCache cache = new ModelCache(cacheDir);
    LocalArtifactStore store = LocalArtifactStore.open(sourceRoot.toString(), tmp);
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                cache.get(
                    KEY,
                    dir -> {
                      attempts.incrementAndGet();
                      store.download("model", dir);
                      return store.download("missing", dir);
                    }))
        .isInstanceOf(NotFoundException.class);
    assertThat(cache.entryFor(KEY)).doesNotExist();
    assertThat(namesIn(cache.tmpDir())).isEmpty();

    Path got = cache.get(KEY, dir -> store.download("model", dir));
    assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(attempts).hasValue(1);
  }

  @Test
  @DisplayName("different keys get different entries")
  void keysAreSeparate() {
    ModelCache cache = new ModelCache(cacheDir);
    LocalArtifactStore store = LocalArtifactStore.open(sourceRoot.toString(), tmp);
    Path a = cache.get(KEY, dir -> store.download("model", dir));
    Path b = cache.get(KEY + "-other", dir -> store.download("model/MLmodel", dir));
    assertThat(a).isNotEqualTo(b);
    assertThat(b).hasContent("flavors: {}");
  }
}
