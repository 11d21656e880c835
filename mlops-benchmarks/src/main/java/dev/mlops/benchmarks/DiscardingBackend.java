package dev.mlops.benchmarks;

import dev.mlops.Experiment;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.spi.BackendContext;
import dev.mlops.spi.BatchLimits;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import dev.mlops.spi.TrackingBackendProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A tracking backend that keeps experiments and runs in memory and throws logged points away,
 * counting them: what is left of {@code logMetric}'s cost when the backend costs nothing. Answers
 * to {@code discard:} URIs through {@link Provider}; see {@link Stores#discarding}.
 */
public final class DiscardingBackend implements TrackingBackend {

  private final Map<String, Experiment> experiments = new ConcurrentHashMap<>();
  private final AtomicLong metrics = new AtomicLong();

  /** Finds {@link DiscardingBackend} for the {@code discard} scheme. */
  public static final class Provider implements TrackingBackendProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("discard");
    }

    @Override
    public TrackingBackend create(BackendContext context) {
      return new DiscardingBackend();
    }
  }

  /** Metric points received so far. */
  public long metricsReceived() {
    return metrics.get();
  }

  @Override
  public BatchLimits batchLimits() {
    return BatchLimits.MLFLOW;
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    this.metrics.addAndGet(metrics.size());
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    String id = Integer.toString(experiments.size() + 1);
    experiments.put(
        name, new Experiment(id, name, "file:/tmp/discard", LifecycleStage.ACTIVE, tags, 0, 0));
    return id;
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return Optional.ofNullable(experiments.get(name));
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    return experiments.values().stream()
        .filter(e -> e.experimentId().equals(experimentId))
        .findFirst();
  }

  @Override
  public RunInfo createRun(NewRun run) {
    String id = UUID.randomUUID().toString().replace("-", "");
    return new RunInfo(
        id,
        run.experimentId(),
        run.runName(),
        RunStatus.RUNNING,
        run.startTime(),
        null,
        "file:/tmp/discard/" + id + "/artifacts",
        LifecycleStage.ACTIVE,
        run.userId());
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {}

  @Override
  public Optional<Run> getRun(String runId) {
    return Optional.empty();
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    return new Page<>(List.copyOf(experiments.values()), null);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void deleteExperiment(String experimentId) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void restoreExperiment(String experimentId) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void deleteRun(String runId) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void restoreRun(String runId) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public void deleteTag(String runId, String key) {
    throw new UnsupportedOperationException("not needed by the benchmarks");
  }

  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    return new Page<>(List.of(), null);
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    return new Page<>(List.of(), null);
  }

  @Override
  public void close() {}
}
