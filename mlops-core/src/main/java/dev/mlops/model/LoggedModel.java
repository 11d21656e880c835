package dev.mlops.model;

import dev.mlops.ModelVersion;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link dev.mlops.ActiveRun#logModel} stored.
 *
 * @param runId the run it was logged to
 * @param artifactPath its directory in the run's artifacts, e.g. {@code model}
 * @param mlModel the {@code MLmodel} file written
 * @param version the registered version, null when it was not registered
 */
public record LoggedModel(
    String runId, String artifactPath, MlModel mlModel, @Nullable ModelVersion version) {

  /** {@code runs:/<runId>/<artifactPath>}: loads this model with any model API. */
  public String modelUri() {
    return "runs:/" + runId + "/" + artifactPath;
  }

  /** The registered version, when the model was registered. */
  public Optional<ModelVersion> modelVersion() {
    return Optional.ofNullable(version);
  }
}
