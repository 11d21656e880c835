package dev.mlops.gcs;

import dev.mlops.ArtifactStore;
import dev.mlops.testkit.ObjectStoreContract;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;

@DisplayName("GCS artifact store contract, against the google-cloud-nio in-memory Storage")
class GcsArtifactStoreContractTest extends ObjectStoreContract {

  @Override
  protected ArtifactStore openStore(Path workDir) {
    return new GcsArtifactStore(
        new CheckingStorage().storage,
        GcsArtifactStoreProvider.URIS.parse("gs://contract-bucket/artifacts"),
        GcsSettings.from(name -> Optional.empty()),
        true);
  }
}
