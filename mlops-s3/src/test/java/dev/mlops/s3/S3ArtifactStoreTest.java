package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.FileInfo;
import dev.mlops.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("S3ArtifactStore against S3Proxy")
class S3ArtifactStoreTest {

  private static S3ProxyServer server;
  private S3ArtifactStore store;
  private String prefix;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket("artifacts");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void openStore() {
    prefix = "runs/" + UUID.randomUUID();
    store = server.store("s3://artifacts/" + prefix, Map.of("MLOPS_S3_PART_SIZE", "5MiB"));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Path file(String name, byte[] content) throws IOException {
    Path f = tmp.resolve("src").resolve(name);
    Files.createDirectories(f.getParent());
    return Files.write(f, content);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  @DisplayName("a file uploaded is listed with its size and reads back byte for byte")
  void fileRoundTrip() throws IOException {
    byte[] content = "hello, s3".getBytes(StandardCharsets.UTF_8);
    store.upload(file("hello.txt", content), "notes/hello.txt");

    assertThat(store.list("notes")).containsExactly(new FileInfo("notes/hello.txt", false, 9));
    try (InputStream in = store.open("notes/hello.txt")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    Path local = store.download("notes/hello.txt", tmp.resolve("out"));
    assertThat(local).isEqualTo(tmp.resolve("out/hello.txt"));
    assertThat(local).hasBinaryContent(content);
    assertThat(
            server
                .admin()
                .headObject(b -> b.bucket("artifacts").key(prefix + "/notes/hello.txt"))
                .contentType())
        .isEqualTo("text/plain");
  }

  @Test
  @DisplayName(
      "a directory downloads with every file under its own name, and the root into the target")
  void directoryDownload() throws IOException {
    Path dir = tmp.resolve("model");
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("MLmodel"), "flavors: {}");
    Files.write(dir.resolve("data/w.bin"), random(6 * 1024 * 1024, 7));
    store.uploadDirectory(dir, "model");

    Path got = store.download("model", tmp.resolve("out"));
    assertThat(got).isEqualTo(tmp.resolve("out/model"));
    assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(got.resolve("data/w.bin")).hasSameBinaryContentAs(dir.resolve("data/w.bin"));
    try (var leftovers = Files.list(tmp.resolve("out"))) {
      assertThat(leftovers).containsExactly(got);
    }

    Path root = store.download("", tmp.resolve("all"));
    assertThat(root).isEqualTo(tmp.resolve("all"));
    assertThat(root.resolve("model/data/w.bin")).hasSameBinaryContentAs(dir.resolve("data/w.bin"));
  }

  @Test
  @DisplayName("a short stream is stored in one request")
  void smallStream() throws IOException {
    store.upload(new ByteArrayInputStream(new byte[] {1, 2, 3}), "s.bin");

    try (InputStream in = store.open("s.bin")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    String etag =
        server.admin().headObject(b -> b.bucket("artifacts").key(prefix + "/s.bin")).eTag();
    assertThat(Checksums.isPlainMd5(Checksums.etag(etag))).isTrue();
  }

  @Test
  @DisplayName(
      "a stream longer than two parts is stored as a multipart upload and reads back whole")
  void longStream() throws IOException {
    byte[] content = random(12 * 1024 * 1024 + 17, 3);
    store.upload(new ByteArrayInputStream(content), "big/stream.bin");

    String etag =
        Checksums.etag(
            server
                .admin()
                .headObject(b -> b.bucket("artifacts").key(prefix + "/big/stream.bin"))
                .eTag());
    assertThat(Checksums.multipartCount(etag)).isEqualTo(3);
    assertThat(store.download("big/stream.bin", tmp.resolve("out"))).hasBinaryContent(content);
    assertThat(server.admin().listMultipartUploads(b -> b.bucket("artifacts")).uploads()).isEmpty();
  }

  @Test
  @DisplayName("an empty file and an empty stream are stored as empty objects")
  void empty() throws IOException {
    store.upload(file("empty", new byte[0]), "e1");
    store.upload(InputStream.nullInputStream(), "e2");

    assertThat(store.list(""))
        .containsExactly(new FileInfo("e1", false, 0), new FileInfo("e2", false, 0));
    assertThat(store.download("e1", tmp.resolve("out"))).isEmptyFile();
  }

  @Test
  @DisplayName("uploading to an existing path replaces the object")
  void replace() throws IOException {
    store.upload(file("v", "one".getBytes(StandardCharsets.UTF_8)), "f.txt");
    store.upload(file("v", "two!".getBytes(StandardCharsets.UTF_8)), "f.txt");

    assertThat(store.list("")).containsExactly(new FileInfo("f.txt", false, 4));
  }

  @Test
  @DisplayName("a missing file is NotFound for open and download, naming where it looked")
  void missing() {
    assertThatThrownBy(() -> store.open("nope.txt"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("s3://artifacts/" + prefix + "/nope.txt");
    assertThatThrownBy(() -> store.download("nope", tmp.resolve("out")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("s3://artifacts/" + prefix + "/nope");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  @DisplayName("a stream closed before its end gives its connection back without reading the rest")
  void openPartially() throws IOException {
    store.upload(new ByteArrayInputStream(random(3 * 1024 * 1024, 1)), "r.bin");
    for (int i = 0; i < 20; i++) {
      try (InputStream in = store.open("r.bin")) {
        assertThat(in.read()).isNotNegative();
      }
    }
    try (InputStream in = store.open("r.bin")) {
      assertThat(in.readAllBytes()).hasSize(3 * 1024 * 1024);
    }
  }

  @Test
  @DisplayName("the root URI and toString name the bucket and prefix but no credentials")
  void describes() {
    assertThat(store.rootUri()).isEqualTo("s3://artifacts/" + prefix);
    assertThat(store.bucket()).isEqualTo("artifacts");
    assertThat(store.prefix()).isEqualTo(prefix);
    assertThat(store.toString())
        .contains("s3://artifacts/" + prefix)
        .doesNotContain(S3ProxyServer.SECRET_KEY)
        .doesNotContain(S3ProxyServer.ACCESS_KEY);
  }
}
