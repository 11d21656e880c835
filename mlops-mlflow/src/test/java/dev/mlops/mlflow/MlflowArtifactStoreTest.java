package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The mlflow-artifacts store, against the fake MLflow server")
class MlflowArtifactStoreTest {

  @TempDir Path dir;
  private FakeMlflowServer fake;
  private TestContext context;
  private ArtifactStore store;
  private String rootUri;

  @BeforeEach
  void start() {
    fake = FakeMlflowServer.start(dir.resolve("server"));
    context =
        TestContext.fastRetries(
            fake.uri(),
            dir,
            Map.of(
                "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", "1000",
                "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", "300",
                "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true"));
    TrackingBackend tracking = new MlflowTrackingProvider().create(context);
    String exp = tracking.createExperiment("artifacts", null, Map.of());
    rootUri = tracking.createRun(new NewRun(exp, "r", 1L, "", Map.of(), null)).artifactUri();
    store = context.artifactStore(rootUri);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    context.close();
    fake.close();
    assertThat(fake.violations()).isEmpty();
  }

  private Path localFile(String name, String content) throws Exception {
    Path p = dir.resolve("local").resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  @Test
  @DisplayName("a run's mlflow-artifacts root opens this store, rooted where the run says")
  void rootFromRun() {
    assertThat(rootUri).startsWith("mlflow-artifacts:/").endsWith("/artifacts");
    assertThat(store).isInstanceOf(MlflowArtifactStore.class);
    assertThat(store.rootUri()).isEqualTo(rootUri);
  }

  @Test
  @DisplayName(
      "an uploaded file is listed with its size, opened and downloaded with the same bytes")
  void uploadListOpenDownload() throws Exception {
    store.upload(localFile("report.txt", "hello"), "reports/report.txt");

    assertThat(store.list("")).containsExactly(new FileInfo("reports", true, -1));
    assertThat(store.list("reports")).containsExactly(new FileInfo("reports/report.txt", false, 5));
    try (InputStream in = store.open("reports/report.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    Path got = store.download("reports/report.txt", dir.resolve("out"));
    assertThat(got).isEqualTo(dir.resolve("out/report.txt")).hasContent("hello");
  }

  @Test
  @DisplayName("a directory uploads recursively and downloads under its own name")
  void directories() throws Exception {
    localFile("model/MLmodel", "flavors: {}");
    localFile("model/data/weights.bin", "0101");
    store.uploadDirectory(dir.resolve("local/model"), "model");

    Path got = store.download("model", dir.resolve("out"));

    assertThat(got).isEqualTo(dir.resolve("out/model"));
    assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(got.resolve("data/weights.bin")).hasContent("0101");
    assertThat(store.list("model"))
        .containsExactly(
            new FileInfo("model/MLmodel", false, 11), new FileInfo("model/data", true, -1));
  }

  @Test
  @DisplayName("a stream uploads like a file")
  void streamUpload() {
    store.upload(new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)), "s.txt");
    assertThat(store.list("")).containsExactly(new FileInfo("s.txt", false, 8));
  }

  @Test
  @DisplayName(
      "a missing file is NotFoundException on open and download, though the server answers 500")
  void missingFile() {
    assertThatThrownBy(() -> store.open("nope.txt"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope.txt");
    assertThatThrownBy(() -> store.download("dir/nope.txt", dir.resolve("out")))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.list("no/such/dir")).isEmpty();
  }

  @Test
  @DisplayName("delete removes a file or a whole directory and is quiet when nothing is there")
  void delete() throws Exception {
    store.upload(localFile("a.txt", "a"), "d/a.txt");
    store.upload(localFile("b.txt", "b"), "d/e/b.txt");
    store.upload(localFile("c.txt", "c"), "c.txt");

    store.delete("d");
    store.delete("never-there");

    assertThat(store.list("")).containsExactly(new FileInfo("c.txt", false, 1));
  }

  @Test
  @DisplayName("paths with '..', absolute paths and NUL are refused before anything is sent")
  void unsafePaths() throws Exception {
    Path f = localFile("x.txt", "x");
    assertThatThrownBy(() -> store.upload(f, "../escape.txt"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.upload(f, "/abs.txt")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.open("a\0b")).isInstanceOf(InvalidInputException.class);
    assertThat(fake.endpointsCalled()).noneMatch(c -> c.startsWith("PUT"));
  }

  @Test
  @DisplayName("a large file goes up in parts through mpu/create, part URLs and mpu/complete")
  void multipart() throws Exception {
    fake.artifacts().enableMultipart();
    byte[] data = new byte[2500];
    new Random(7).nextBytes(data);
    Path big = dir.resolve("big.bin");
    Files.write(big, data);

    store.upload(big, "weights/big.bin");

    assertThat(fake.calls("POST /api/2.0/mlflow-artifacts/mpu/create")).isEqualTo(1);
    assertThat(fake.calls("PUT /fake-presigned")).isEqualTo(9);
    assertThat(fake.calls("POST /api/2.0/mlflow-artifacts/mpu/complete")).isEqualTo(1);
    assertThat(fake.calls("PUT /api/2.0/mlflow-artifacts/artifacts")).isZero();
    assertThat(fake.artifacts().openUploads()).isZero();
    try (InputStream in = store.open("weights/big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  @DisplayName("when the server's storage has no multipart upload (501), the file goes up whole")
  void multipartFallback() throws Exception {
    byte[] data = new byte[1500];
    new Random(8).nextBytes(data);
    Path big = dir.resolve("big.bin");
    Files.write(big, data);

    store.upload(big, "big.bin");

    assertThat(fake.calls("POST /api/2.0/mlflow-artifacts/mpu/create")).isEqualTo(1);
    assertThat(fake.calls("PUT /api/2.0/mlflow-artifacts/artifacts")).isEqualTo(1);
    try (InputStream in = store.open("big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }
}
