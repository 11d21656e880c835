package dev.mlops.testkit.embedded;

import dev.mlops.ArtifactStore;
import dev.mlops.Mlops;
import dev.mlops.testkit.ArtifactStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

/** The local ({@code file:}) artifact store runs the artifact store contract. */
@DisplayName("Local file store: artifact store contract")
class LocalArtifactStoreContractTest extends ArtifactStoreContract {

  @Override
  protected ArtifactStore openStore(Path workDir) {
    Mlops mlops = closeAfterTest(EmbeddedStore.open(workDir));
    return mlops.artifacts().store(workDir.resolve("artifacts").toUri().toString());
  }
}
