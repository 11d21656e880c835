package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("S3 errors a user can cause")
class S3BadInputTest {

  private static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket("present");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private Path file() throws IOException {
    return Files.writeString(tmp.resolve("f.txt"), "data");
  }

  @Test
  @DisplayName("a missing bucket is named, with what to do, on upload, list and download")
  void missingBucket() throws IOException {
    Path f = file();
    try (S3ArtifactStore store = server.store("s3://no-such-bucket/x", Map.of())) {
      assertThatThrownBy(() -> store.upload(f, "a.txt"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("S3 bucket 'no-such-bucket' does not exist")
          .hasMessageContaining("Create the bucket");
      assertThatThrownBy(() -> store.list(""))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'no-such-bucket'");
      assertThatThrownBy(() -> store.download("a.txt", tmp.resolve("out")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'no-such-bucket'");
    }
  }

  @Test
  @DisplayName("a wrong secret is a PermissionDeniedException naming the settings, not the secret")
  void wrongSecret() throws IOException {
    Path f = file();
    String secret = "wrong-" + UUID.randomUUID();
    try (S3ArtifactStore store =
        server.store("s3://present/x", Map.of("AWS_SECRET_ACCESS_KEY", secret))) {
      assertThatThrownBy(() -> store.upload(f, "a.txt"))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("s3://present/x/a.txt")
          .hasMessageContaining("AWS_SECRET_ACCESS_KEY")
          .hasMessageNotContaining(secret);
      assertThatThrownBy(() -> store.download("a.txt", tmp.resolve("out")))
          .isInstanceOf(PermissionDeniedException.class);
    }
  }

  @Test
  @DisplayName(
      "a profile with no credentials is a PermissionDeniedException saying how to give them")
  void noCredentialsInProfile() throws IOException {
    Path f = file();
    Map<String, String> s = new java.util.HashMap<>(server.settings());
    s.remove("AWS_ACCESS_KEY_ID");
    s.remove("AWS_SECRET_ACCESS_KEY");
    s.put("AWS_PROFILE", "no-such-profile-" + UUID.randomUUID());
    S3Settings settings = S3Settings.from(name -> java.util.Optional.ofNullable(s.get(name)));
    try (S3ArtifactStore store =
        S3ProxyServer.storeWith("s3://present/x", settings, S3Clients.create(settings))) {
      assertThatThrownBy(() -> store.upload(f, "a.txt"))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("No AWS credentials found for s3://present/x/a.txt")
          .hasMessageContaining("AWS_ACCESS_KEY_ID")
          .hasMessageContaining("AWS_PROFILE");
    }
  }

  @Test
  @DisplayName("no credentials anywhere is a PermissionDeniedException saying how to give them")
  void noCredentialsAtAll() throws IOException {
    assumeTrue(
        System.getenv("AWS_ACCESS_KEY_ID") == null
            && System.getenv("AWS_PROFILE") == null
            && System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == null
            && System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == null
            && System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == null
            && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")),
        "this machine has AWS credentials configured");
    Path f = file();
    Map<String, String> s = new java.util.HashMap<>(server.settings());
    s.remove("AWS_ACCESS_KEY_ID");
    s.remove("AWS_SECRET_ACCESS_KEY");
    S3Settings settings = S3Settings.from(name -> java.util.Optional.ofNullable(s.get(name)));
    try (S3ArtifactStore store =
        S3ProxyServer.storeWith("s3://present/x", settings, S3Clients.create(settings))) {
      assertThatThrownBy(() -> store.upload(f, "a.txt"))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("No AWS credentials found")
          .hasMessageContaining("AWS_ACCESS_KEY_ID");
    }
  }

  @Test
  @DisplayName("a key with '..' or an absolute path is refused before any request")
  void dotDot() throws IOException {
    Path f = file();
    try (S3ArtifactStore store = server.store("s3://present/x", Map.of())) {
      assertThatThrownBy(() -> store.upload(f, "../escape.txt"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'..'");
      assertThatThrownBy(() -> store.upload(new ByteArrayInputStream(new byte[1]), "a/../../b"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.download("/etc/passwd", tmp))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("absolute");
      assertThatThrownBy(() -> store.delete("..")).isInstanceOf(InvalidInputException.class);
      assertThat(server.admin().listObjectsV2(b -> b.bucket("present")).contents()).isEmpty();
    }
  }

  @Test
  @DisplayName("a local file that does not exist is an InvalidInputException naming it")
  void missingLocalFile() {
    try (S3ArtifactStore store = server.store("s3://present/x", Map.of())) {
      assertThatThrownBy(() -> store.upload(tmp.resolve("ghost.bin"), "g.bin"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("ghost.bin");
      assertThatThrownBy(() -> store.uploadDirectory(tmp.resolve("ghost-dir"), ""))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("ghost-dir");
    }
  }

  @Test
  @DisplayName("a target directory that cannot be created is a clear error and nothing is written")
  void targetIsAFile() throws IOException {
    Path f = file();
    Path blocker = Files.writeString(tmp.resolve("blocker"), "a file, not a directory");
    try (S3ArtifactStore store = server.store("s3://present/t", Map.of())) {
      store.upload(f, "dir/a.txt");
      assertThatThrownBy(() -> store.download("dir/a.txt", blocker.resolve("sub")))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("s3://present/t/dir/a.txt")
          .hasMessageContaining(blocker.resolve("sub").toString())
          .hasMessageContaining("writable directory");
      assertThatThrownBy(() -> store.download("dir", blocker.resolve("sub")))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("writable directory");
      assertThat(blocker).hasContent("a file, not a directory");
      store.delete("");
    }
  }

  @Test
  @DisplayName("a read-only target directory is a clear error and nothing is written")
  void readOnlyTarget() throws IOException {
    Path f = file();
    Path target = Files.createDirectories(tmp.resolve("ro"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeTrue(!Files.isWritable(target), "running as a user who may write anywhere (root)");
      try (S3ArtifactStore store = server.store("s3://present/ro", Map.of())) {
        store.upload(f, "a.txt");
        assertThatThrownBy(() -> store.download("a.txt", target))
            .isInstanceOf(MlopsException.class)
            .hasMessageContaining("permission denied")
            .hasMessageContaining(target.toString());
        assertThat(target).isEmptyDirectory();
        store.delete("");
      }
    } finally {
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  @DisplayName("a file downloaded onto an existing directory of the same name is refused")
  void fileOntoDirectory() throws IOException {
    Path f = file();
    Files.createDirectories(tmp.resolve("out/a.txt/inside"));
    try (S3ArtifactStore store = server.store("s3://present/od", Map.of())) {
      store.upload(f, "a.txt");
      assertThatThrownBy(() -> store.download("a.txt", tmp.resolve("out")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("a directory of that name exists");
      assertThat(tmp.resolve("out/a.txt/inside")).isDirectory();
      store.delete("");
    }
  }
}
