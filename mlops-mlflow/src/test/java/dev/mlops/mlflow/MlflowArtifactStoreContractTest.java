package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.ArtifactStore;
import dev.mlops.Mlops;
import dev.mlops.testkit.ArtifactStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The {@code mlflow-artifacts} store runs the artifact store contract against the fake MLflow
 * server, once per URI form: {@code mlflow-artifacts:/...} and the {@code http://} proxy URL.
 */
@DisplayName("MLflow artifacts proxy: artifact store contract")
class MlflowArtifactStoreContractTest {

  @Nested
  @DisplayName("through mlflow-artifacts:/ URIs")
  class MlflowArtifactsUris extends Contract {
    @Override
    String root(FakeMlflowServer server) {
      return "mlflow-artifacts:/contract/root";
    }
  }

  @Nested
  @DisplayName("through http:// proxy URLs")
  class HttpUris extends Contract {
    @Override
    String root(FakeMlflowServer server) {
      return server.uri() + "/api/2.0/mlflow-artifacts/artifacts/contract/root";
    }
  }

  abstract static class Contract extends ArtifactStoreContract {
    private final FakeServers fakes = new FakeServers();

    abstract String root(FakeMlflowServer server);

    @Override
    protected ArtifactStore openStore(Path workDir) {
      FakeMlflowServer server = fakes.serverFor(workDir, this::closeAfterTest);
      Mlops mlops = closeAfterTest(FakeServers.open(server, workDir));
      return mlops.artifacts().store(root(server));
    }

    @AfterEach
    void wireContractHeld() {
      assertThat(fakes.violations()).as("requests that broke MLflow's wire contract").isEmpty();
    }
  }
}
