package dev.mlops.s3;

import dev.mlops.ArtifactStore;
import dev.mlops.Mlops;
import dev.mlops.testkit.ObjectStoreContract;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("S3 artifact store contract, against S3Proxy")
class S3ArtifactStoreContractTest extends ObjectStoreContract {

  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket("contract");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected ArtifactStore openStore(Path workDir) {
    Mlops.Builder builder =
        Mlops.builder()
            .trackingUri("sqlite:///" + workDir.resolve("mlflow.db").toAbsolutePath())
            .workingDirectory(workDir);
    server.settings().forEach(builder::setting);
    Mlops mlops = closeAfterTest(builder.build());
    return mlops.artifacts().store("s3://contract/" + UUID.randomUUID());
  }
}
