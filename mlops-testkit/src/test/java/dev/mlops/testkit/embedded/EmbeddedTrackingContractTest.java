package dev.mlops.testkit.embedded;

import dev.mlops.Mlops;
import dev.mlops.testkit.TrackingBackendContract;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

/** The embedded SQLite store runs the tracking contract. */
@DisplayName("Embedded store: tracking contract")
class EmbeddedTrackingContractTest extends TrackingBackendContract {

  @Override
  protected Mlops openMlops(Path workDir) {
    return EmbeddedStore.open(workDir);
  }
}
