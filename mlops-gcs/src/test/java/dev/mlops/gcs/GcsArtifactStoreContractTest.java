package dev.mlops.gcs;

import dev.mlops.ArtifactStore;
import dev.mlops.testkit.ArtifactStoreContract;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;

@DisplayName("GCS artifact store contract, against the google-cloud-nio in-memory Storage")
class GcsArtifactStoreContractTest extends ArtifactStoreContract {

  @Override
  protected ArtifactStore openStore(Path workDir) {
    return new GcsArtifactStore(
        new CheckingStorage().storage,
        GcsLocation.parse("gs://contract-bucket/artifacts"),
        GcsSettings.from(name -> Optional.empty()),
        true);
  }
}
