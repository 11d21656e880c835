package dev.mlops.internal.artifacts;

import dev.mlops.NotFoundException;
import dev.mlops.Run;
import dev.mlops.internal.Validation;
import dev.mlops.spi.TrackingBackend;

/**
 * A parsed {@code runs:/<runId>/<path>} URI: a path relative to one run's artifact root. Get one
 * from {@link ArtifactUri#parseRuns(String)}.
 *
 * @param runId the run's id, validated
 * @param path the normalised path under the run's artifact root, "" for the root itself
 */
public record RunArtifact(String runId, String path) {

  /** The URI in its canonical form, {@code runs:/<runId>/<path>}. */
  public String uri() {
    return "runs:/" + runId + (path.isEmpty() ? "" : "/" + path);
  }

  /**
   * The concrete artifact URI this points at: the run's artifact URI joined with {@link #path()}.
   *
   * @throws NotFoundException when the run does not exist
   */
  public String resolve(TrackingBackend tracking) {
    return ArtifactUri.join(artifactRoot(tracking, runId), path);
  }

  /**
   * The artifact URI of run {@code runId}.
   *
   * @throws NotFoundException naming the run when it does not exist
   */
  public static String artifactRoot(TrackingBackend tracking, String runId) {
    Validation.id("Run", runId);
    Run run =
        tracking
            .getRun(runId)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "Run '"
                            + runId
                            + "' not found: check the run id; tracking().searchRuns(...) lists the"
                            + " runs of an experiment."));
    return run.info().artifactUri();
  }
}
