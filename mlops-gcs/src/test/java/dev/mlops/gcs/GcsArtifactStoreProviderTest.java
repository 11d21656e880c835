package dev.mlops.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.artifacts.BucketLocation;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.testkit.TestBackendContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("GcsArtifactStoreProvider")
class GcsArtifactStoreProviderTest {

  @TempDir Path tmp;

  /** A service-account key file with a fresh RSA key; parsing it makes no request. */
  private Path serviceAccountKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\\n"
            + Base64.getEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
            + "\\n-----END PRIVATE KEY-----\\n";
    String json =
        "{\"type\": \"service_account\", \"project_id\": \"test-project\","
            + " \"private_key_id\": \"k1\", \"private_key\": \""
            + pem
            + "\", \"client_email\": \"ci@test-project.iam.gserviceaccount.com\","
            + " \"client_id\": \"1\", \"token_uri\": \"https://oauth2.googleapis.com/token\"}";
    return Files.writeString(tmp.resolve("key.json"), json);
  }

  @Test
  @DisplayName("is found by ServiceLoader for gs: URIs")
  void discovered() {
    assertThat(
            ServiceLoader.load(ArtifactStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(GcsArtifactStoreProvider.class);
              assertThat(p.schemes()).containsExactly("gs");
            });
  }

  @Test
  @DisplayName("stores of one Mlops with the same credentials share one client")
  void sharesClient() throws Exception {
    Path key = serviceAccountKey();
    try (TestBackendContext context =
        new TestBackendContext(
            "gs://unused", Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString()))) {
      var provider = new GcsArtifactStoreProvider();
      var a = (GcsArtifactStore) provider.create("gs://bucket-a/x", context);
      var b = (GcsArtifactStore) provider.create("gs://bucket-b", context);

      assertThat(a.rootUri()).isEqualTo("gs://bucket-a/x");
      assertThat(b.bucket()).isEqualTo("bucket-b");
      assertThat(context.sharedCount()).isEqualTo(1);
      a.close();
      b.close();
    }
  }

  @Test
  @DisplayName("a credentials file that is missing or not credentials is named, with what to do")
  void badCredentialsFile() throws Exception {
    Path garbage = Files.writeString(tmp.resolve("garbage.json"), "{\"type\": \"nonsense\"}");
    try (TestBackendContext missing =
            new TestBackendContext(
                "gs://unused",
                Map.of("GOOGLE_APPLICATION_CREDENTIALS", tmp.resolve("none.json").toString()));
        TestBackendContext bad =
            new TestBackendContext(
                "gs://unused", Map.of("GOOGLE_APPLICATION_CREDENTIALS", garbage.toString()))) {
      assertThatThrownBy(() -> new GcsArtifactStoreProvider().create("gs://bucket/x", missing))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("none.json")
          .hasMessageContaining("does not exist");
      assertThatThrownBy(() -> new GcsArtifactStoreProvider().create("gs://bucket/x", bad))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("garbage.json")
          .hasMessageContaining("not a usable credentials file");
    }
  }

  @Test
  @DisplayName("a malformed gs:// URI is refused with the expected form")
  void badUri() {
    assertThatThrownBy(() -> GcsArtifactStoreProvider.URIS.parse("gs:///x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("GCS URI 'gs:///x' names no bucket: expected gs://bucket/prefix.");
    assertThatThrownBy(() -> GcsArtifactStoreProvider.URIS.parse("s3://bkt/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("'s3://bkt/x' is not a Google Cloud Storage URI: expected gs://bucket/prefix.");
    assertThatThrownBy(() -> GcsArtifactStoreProvider.URIS.parse("gs://UPPER/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("GCS bucket name 'UPPER'")
        .hasMessageContaining("3-222 characters");
    assertThat(GcsArtifactStoreProvider.URIS.parse("gs://bkt//a/b/"))
        .isEqualTo(new BucketLocation("gs", "bkt", "a/b"));
    assertThatThrownBy(
            () ->
                GcsSettings.from(
                    n ->
                        java.util.Optional.of("1000")
                            .filter(v -> n.equals("MLOPS_GCS_CHUNK_SIZE"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("multiple of 256 KiB");
  }
}
