package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.testkit.TrackingBackendContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;

/** The MLflow backend runs the tracking contract against the fake MLflow server. */
@DisplayName("MLflow backend: tracking contract")
class MlflowTrackingContractTest extends TrackingBackendContract {

  private final FakeServers fakes = new FakeServers();

  @Override
  protected Mlops openMlops(Path workDir) {
    return FakeServers.open(fakes.serverFor(workDir, this::closeAfterTest), workDir);
  }

  @AfterEach
  void wireContractHeld() {
    assertThat(fakes.violations()).as("requests that broke MLflow's wire contract").isEmpty();
  }
}
