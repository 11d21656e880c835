package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ArtifactStore;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.testkit.TestBackendContext;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("S3ArtifactStoreProvider")
class S3ArtifactStoreProviderTest {

  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket("shared");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("is found by ServiceLoader for s3: and s3a: URIs")
  void discovered() {
    assertThat(
            ServiceLoader.load(ArtifactStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(S3ArtifactStoreProvider.class);
              assertThat(p.schemes()).containsExactlyInAnyOrder("s3", "s3a");
            });
  }

  @Test
  @DisplayName(
      "stores of one Mlops share one client; closing a store keeps it, closing the Mlops ends it")
  void sharesClient() throws Exception {
    S3ArtifactStoreProvider provider = new S3ArtifactStoreProvider();
    ArtifactStore a;
    try (TestBackendContext context = new TestBackendContext("s3://unused", server.settings())) {
      a = provider.create("s3://shared/a", context);
      ArtifactStore b = provider.create("s3a://shared/b", context);
      b.upload(new ByteArrayInputStream(new byte[] {7}), "x.bin");
      b.close();

      assertThat(context.sharedCount()).isEqualTo(1);
      assertThat(b.rootUri()).isEqualTo("s3a://shared/b");
      assertThat(a.list("")).isEmpty();
      Map<String, String> other = new HashMap<>(server.settings());
      other.put("AWS_REGION", "eu-west-1");
      try (TestBackendContext second = new TestBackendContext("s3://unused", other)) {
        provider.create("s3://shared/a", second);
        assertThat(second.sharedCount()).isEqualTo(1);
      }
    }
    assertThatThrownBy(() -> a.list("")).isInstanceOf(MlopsException.class);
  }

  @Test
  @DisplayName("bad settings are refused when the store is made, naming the setting")
  void badSettings() {
    Map<String, String> s = new HashMap<>(server.settings());
    s.put("MLFLOW_S3_UPLOAD_EXTRA_ARGS", "{\"Nope\": 1}");
    try (TestBackendContext context = new TestBackendContext("s3://unused", s)) {
      assertThatThrownBy(() -> new S3ArtifactStoreProvider().create("s3://shared/x", context))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("MLFLOW_S3_UPLOAD_EXTRA_ARGS");
    }
  }
}
