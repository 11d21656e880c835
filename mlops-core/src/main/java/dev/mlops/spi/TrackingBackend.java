package dev.mlops.spi;

import dev.mlops.Experiment;
import dev.mlops.Metric;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Stores experiments and runs. Core validates every argument before calling (keys, lengths, ids
 * that look right), so a backend maps its own failures to the {@link dev.mlops.MlopsException}
 * family: a missing id is {@link dev.mlops.NotFoundException}, a taken name {@link
 * dev.mlops.AlreadyExistsException}, an outage {@link dev.mlops.BackendUnavailableException}.
 *
 * <p>Must be thread-safe. Made by a {@link TrackingBackendProvider}.
 */
public interface TrackingBackend extends AutoCloseable {

  /** How large a {@link #logBatch} may be. */
  default BatchLimits batchLimits() {
    return BatchLimits.MLFLOW;
  }

  String createExperiment(String name, @Nullable String artifactLocation, Map<String, String> tags);

  Optional<Experiment> getExperiment(String experimentId);

  Optional<Experiment> getExperimentByName(String name);

  Page<Experiment> searchExperiments(SearchQuery query);

  void renameExperiment(String experimentId, String newName);

  void deleteExperiment(String experimentId);

  void restoreExperiment(String experimentId);

  void setExperimentTag(String experimentId, String key, String value);

  RunInfo createRun(NewRun run);

  Optional<Run> getRun(String runId);

  /**
   * Updates status, end time and name.
   *
   * @param endTime null to leave it as it is
   * @param runName null to leave it as it is
   */
  void updateRun(String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName);

  void deleteRun(String runId);

  void restoreRun(String runId);

  /**
   * Writes one batch atomically where the backend can. Idempotent: a metric point identical in key,
   * value, timestamp and step to a stored one is not stored again; a param with the same value is
   * accepted; a param with another value fails with {@link dev.mlops.InvalidInputException} naming
   * the key. Fails with {@link dev.mlops.InvalidInputException} when the run is not active.
   */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  void deleteTag(String runId, String key);

  /** One page of a metric's history, in step then timestamp order. */
  Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken);

  Page<Run> searchRuns(RunQuery query);

  @Override
  void close();
}
