package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.MlopsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

@DisplayName("Large S3 transfers against S3Proxy")
class S3LargeTransferTest {

  private static final String BUCKET = "large";
  private static final int MIB = 1024 * 1024;
  private static S3ProxyServer server;
  private String prefix;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void newPrefix() {
    prefix = "p-" + UUID.randomUUID();
  }

  private S3Settings settings() {
    Map<String, String> s = server.settings();
    s.put("MLOPS_S3_PART_SIZE", "8MiB");
    s.put("MLOPS_S3_MAX_CONCURRENCY", "4");
    s.put("AWS_MAX_ATTEMPTS", "3");
    return S3Settings.from(name -> Optional.ofNullable(s.get(name)));
  }

  private S3ArtifactStore store(FaultyHttpClient http) {
    S3Settings settings = settings();
    return S3ProxyServer.storeWith(
        "s3://" + BUCKET + "/" + prefix, settings, S3Clients.create(settings, http));
  }

  private Path randomFile(String name, long size) throws IOException {
    Path f = tmp.resolve(name);
    Random random = new Random(size);
    byte[] buf = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long left = size; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
    return f;
  }

  private static byte[] sha256(Path f) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return ((DigestInputStream) in).getMessageDigest().digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<?> pendingUploads() {
    return server.admin().listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads();
  }

  private record Event(long done, long total) {}

  @Test
  @DisplayName("a 64 MiB file goes up in parallel parts and comes back identical, ETags checked")
  void roundTrip64MiB() throws IOException {
    Path source = randomFile("model.bin", 64L * MIB + 12345);
    List<Event> up = new CopyOnWriteArrayList<>();
    List<Event> down = new CopyOnWriteArrayList<>();
    try (S3ArtifactStore store = store(new FaultyHttpClient((r, n) -> false))) {
      store.withListener((p, d, t) -> up.add(new Event(d, t))).upload(source, "m/model.bin");

      HeadObjectResponse head =
          server.admin().headObject(b -> b.bucket(BUCKET).key(prefix + "/m/model.bin"));
      assertThat(Checksums.etag(head.eTag())).endsWith("-9");
      assertThat(head.metadata())
          .containsEntry(FileUpload.PART_SIZE_METADATA, String.valueOf(8 * MIB));
      assertThat(pendingUploads()).isEmpty();

      Path got =
          store
              .withListener((p, d, t) -> down.add(new Event(d, t)))
              .download("m/model.bin", tmp.resolve("out"));
      assertThat(Files.size(got)).isEqualTo(Files.size(source));
      assertThat(sha256(got)).isEqualTo(sha256(source));
    }
    long size = Files.size(source);
    for (List<Event> events : List.of(up, down)) {
      assertThat(events).isNotEmpty();
      assertThat(events).allSatisfy(e -> assertThat(e.total()).isEqualTo(size));
      assertThat(events.get(events.size() - 1).done()).isEqualTo(size);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).done()).isGreaterThan(events.get(i - 1).done());
      }
    }
  }

  @Test
  @DisplayName("a part whose connection drops once is retried on its own and the upload succeeds")
  void partRetried() throws IOException {
    Path source = randomFile("r.bin", 20L * MIB);
    FaultyHttpClient http =
        new FaultyHttpClient(
            (r, attempt) -> FaultyHttpClient.partNumber(r).equals("2") && attempt == 1);
    try (S3ArtifactStore store = store(http)) {
      store.upload(source, "r.bin");

      assertThat(http.attempts("PUT partNumber=2")).isEqualTo(2);
      assertThat(http.attempts("PUT partNumber=1")).isEqualTo(1);
      assertThat(http.attempts("PUT partNumber=3")).isEqualTo(1);
      assertThat(sha256(store.download("r.bin", tmp.resolve("out")))).isEqualTo(sha256(source));
    }
  }

  @Test
  @DisplayName(
      "a part that keeps failing aborts the upload: no multipart upload and no object remain")
  void failureAborts() throws IOException {
    Path source = randomFile("f.bin", 40L * MIB);
    FaultyHttpClient http =
        new FaultyHttpClient((r, attempt) -> FaultyHttpClient.partNumber(r).equals("3"));
    try (S3ArtifactStore store = store(http)) {
      assertThatThrownBy(() -> store.upload(source, "f.bin"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("s3://" + BUCKET + "/" + prefix + "/f.bin");

      assertThat(http.attempts("PUT partNumber=3")).isEqualTo(3);
      assertThat(pendingUploads()).isEmpty();
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  @DisplayName("a file that grows while being uploaded fails, aborts, and stores nothing")
  void fileChangesDuringMultipart() throws IOException {
    Path source = randomFile("grow.bin", 24L * MIB);
    AtomicBoolean appended = new AtomicBoolean();
    try (S3ArtifactStore store = store(new FaultyHttpClient((r, n) -> false))) {
      TransferListener appendOnce =
          (p, d, t) -> {
            if (appended.compareAndSet(false, true)) {
              try {
                Files.write(source, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
          };
      assertThatThrownBy(() -> store.withListener(appendOnce).upload(source, "grow.bin"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("changed while it was being uploaded")
          .hasMessageContaining("s3://" + BUCKET + "/" + prefix + "/grow.bin")
          .hasMessageContaining("nothing was stored");

      assertThat(appended).isTrue();
      assertThat(pendingUploads()).isEmpty();
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  @DisplayName("a file rewritten in place during a one-request upload is refused by its MD5")
  void fileChangesDuringSinglePut() throws IOException {
    Path source = randomFile("small.bin", 4L * MIB);
    AtomicBoolean rewritten = new AtomicBoolean();
    try (S3ArtifactStore store = store(new FaultyHttpClient((r, n) -> false))) {
      TransferListener rewrite =
          (p, d, t) -> {
            if (d < t && rewritten.compareAndSet(false, true)) {
              try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
                f.seek(3L * MIB);
                f.write(new byte[4096]);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
          };
      assertThatThrownBy(() -> store.withListener(rewrite).upload(source, "small.bin"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("small.bin")
          .hasMessageContaining("changed while it was being uploaded");

      assertThat(rewritten).isTrue();
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  @DisplayName("a download range whose connection drops is fetched again and the file is whole")
  void rangeRetried() throws IOException {
    Path source = randomFile("d.bin", 30L * MIB);
    try (S3ArtifactStore writer = store(new FaultyHttpClient((r, n) -> false))) {
      writer.upload(source, "d.bin");
    }
    List<String> ranges = new ArrayList<>();
    FaultyHttpClient http =
        new FaultyHttpClient(
            (r, attempt) -> {
              String name = FaultyHttpClient.name(r);
              if (name.startsWith("GET bytes=")) {
                synchronized (ranges) {
                  ranges.add(name);
                }
              }
              return name.equals("GET bytes=8388608-16777215") && attempt == 1;
            });
    try (S3ArtifactStore store = store(http)) {
      Path got = store.download("d.bin", tmp.resolve("out"));

      assertThat(sha256(got)).isEqualTo(sha256(source));
      assertThat(http.attempts("GET bytes=8388608-16777215")).isEqualTo(2);
      assertThat(ranges).hasSize(5);
    }
  }

  @Test
  @DisplayName("a download that keeps failing leaves the old local file as it was and no temp file")
  void failedDownloadKeepsOldFile() throws IOException {
    Path source = randomFile("k.bin", 20L * MIB);
    try (S3ArtifactStore writer = store(new FaultyHttpClient((r, n) -> false))) {
      writer.upload(source, "k.bin");
    }
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("k.bin"), "old");
    FaultyHttpClient http =
        new FaultyHttpClient(
            (r, attempt) -> FaultyHttpClient.name(r).equals("GET bytes=16777216-20971519"));
    try (S3ArtifactStore store = store(http)) {
      assertThatThrownBy(() -> store.download("k.bin", out))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("s3://" + BUCKET + "/" + prefix + "/k.bin");
    }
    assertThat(out.resolve("k.bin")).hasContent("old");
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(out.resolve("k.bin"));
    }
  }

  @Test
  @DisplayName("bytes altered on the way down fail the ETag check and nothing is written")
  void corruptionDetected() throws IOException {
    Path big = randomFile("c.bin", 20L * MIB);
    Path small = randomFile("s.bin", 1L * MIB);
    try (S3ArtifactStore writer = store(new FaultyHttpClient((r, n) -> false))) {
      writer.upload(big, "c.bin");
      writer.upload(small, "s.bin");
    }
    FaultyHttpClient http =
        new FaultyHttpClient(
            (r, n) -> false,
            (r, n) -> {
              String name = FaultyHttpClient.name(r);
              return r.encodedPath().endsWith("/s.bin") && name.equals("GET")
                  || name.equals("GET bytes=8388608-16777215");
            });
    Path out = tmp.resolve("out");
    try (S3ArtifactStore store = store(http)) {
      assertThatThrownBy(() -> store.download("c.bin", out))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("do not match its ETag");
      assertThatThrownBy(() -> store.download("s.bin", out))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("do not match its ETag");
    }
    try (var files = Files.list(out)) {
      assertThat(files).isEmpty();
    }
  }
}
