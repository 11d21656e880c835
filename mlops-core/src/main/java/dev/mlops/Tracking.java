package dev.mlops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Experiments, runs and their params, metrics and tags. Get it from {@link Mlops#tracking()}.
 *
 * <pre>{@code
 * Tracking tracking = mlops.tracking();
 * tracking.withRun("fraud-model", run -> {
 *   run.logParam("alpha", 0.5);
 *   run.logMetric("auc", 0.91);
 * });                                   // FINISHED, or FAILED and rethrown if the body throws
 * Page<Run> best = tracking.searchRuns(RunQuery.builder()
 *     .experimentIds(tracking.getExperimentByName("fraud-model").orElseThrow().experimentId())
 *     .filter("metrics.auc > 0.9").orderBy("metrics.auc DESC").build());
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface Tracking {

  // ---- experiments

  /**
   * Creates an experiment.
   *
   * @param artifactLocation root for its runs' artifacts, null for the store's default
   * @throws AlreadyExistsException when the name is taken (also by a deleted experiment)
   */
  String createExperiment(String name, @Nullable String artifactLocation, Map<String, String> tags);

  /** Creates an experiment with the default artifact location and no tags. */
  default String createExperiment(String name) {
    return createExperiment(name, null, Map.of());
  }

  /** The experiment with this id. */
  Optional<Experiment> getExperiment(String experimentId);

  /** The experiment with this name (active or deleted). */
  Optional<Experiment> getExperimentByName(String name);

  /** The active experiment with this name, created when missing. Safe under concurrent callers. */
  Experiment getOrCreateExperiment(String name);

  /** One page of experiments. */
  Page<Experiment> searchExperiments(SearchQuery query);

  /** Renames an experiment. */
  void renameExperiment(String experimentId, String newName);

  /** Soft-deletes an experiment and its runs. */
  void deleteExperiment(String experimentId);

  /** Restores a soft-deleted experiment. */
  void restoreExperiment(String experimentId);

  /** Sets a tag on an experiment. */
  void setExperimentTag(String experimentId, String key, String value);

  // ---- runs

  /** Starts a run in {@code experimentName}, creating the experiment when missing. */
  ActiveRun startRun(String experimentName);

  /** Starts a run named {@code runName} in {@code experimentName}. */
  ActiveRun startRun(String experimentName, String runName);

  /** Starts a run as {@code options} say. */
  ActiveRun startRun(RunOptions options);

  /**
   * Runs {@code body} inside a new run: ends it {@link RunStatus#FINISHED} when the body returns,
   * {@link RunStatus#FAILED} when it throws (and rethrows).
   */
  void withRun(String experimentName, Consumer<ActiveRun> body);

  /** The run with this id, with its params, latest metrics and tags. */
  Optional<Run> getRun(String runId);

  /** Sets a run's status (and end time when the status is terminal). */
  void setRunStatus(String runId, RunStatus status);

  /** Soft-deletes a run. */
  void deleteRun(String runId);

  /** Restores a soft-deleted run. */
  void restoreRun(String runId);

  /** Writes params, metrics and tags to a run synchronously, in one call. */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  /** Sets one tag on a run synchronously. */
  void setTag(String runId, String key, String value);

  /** Removes a tag from a run. */
  void deleteTag(String runId, String key);

  /** Every point of one metric, in step then timestamp order. */
  List<Metric> getMetricHistory(String runId, String key);

  /** One page of runs. */
  Page<Run> searchRuns(RunQuery query);

  /** Every run matching {@code query}, fetching pages lazily as the stream is consumed. */
  Stream<Run> streamRuns(RunQuery query);
}
