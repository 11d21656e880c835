package dev.mlops.testkit.embedded;

import dev.mlops.Mlops;
import dev.mlops.testkit.RegistryBackendContract;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

/** The embedded SQLite store runs the model registry contract. */
@DisplayName("Embedded store: registry contract")
class EmbeddedRegistryContractTest extends RegistryBackendContract {

  @Override
  protected Mlops openMlops(Path workDir) {
    return EmbeddedStore.open(workDir);
  }
}
