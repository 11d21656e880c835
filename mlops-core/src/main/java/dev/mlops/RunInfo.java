package dev.mlops;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The metadata of a run.
 *
 * @param runId the run's id (32 lowercase hex characters for the embedded store and MLflow)
 * @param experimentId the experiment it belongs to
 * @param runName its display name
 * @param status its status
 * @param startTime milliseconds since the epoch
 * @param endTime milliseconds since the epoch, null while it has not ended
 * @param artifactUri where its artifacts live
 * @param lifecycleStage whether it is deleted
 * @param userId who started it, may be empty
 */
public record RunInfo(
    String runId,
    String experimentId,
    String runName,
    RunStatus status,
    long startTime,
    @Nullable Long endTime,
    String artifactUri,
    LifecycleStage lifecycleStage,
    String userId) {

  /** The end time, if the run has ended. */
  public Optional<Long> end() {
    return Optional.ofNullable(endTime);
  }
}
