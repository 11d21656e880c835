package dev.mlops.internal.artifacts;

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
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** An in-memory tracking backend that knows runs and their artifact URIs, and nothing else. */
public final class FakeTracking implements TrackingBackend {

  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final AtomicInteger getRunCalls = new AtomicInteger();

  /** Adds a finished run whose artifacts live at {@code artifactUri}. */
  public FakeTracking addRun(String runId, String artifactUri) {
    RunInfo info =
        new RunInfo(
            runId,
            "0",
            "run-" + runId,
            RunStatus.FINISHED,
            1L,
            2L,
            artifactUri,
            LifecycleStage.ACTIVE,
            "");
    runs.put(runId, new Run(info, Map.of(), Map.of(), Map.of()));
    return this;
  }

  /** How often {@link #getRun} was called. */
  public int getRunCalls() {
    return getRunCalls.get();
  }

  @Override
  public Optional<Run> getRun(String runId) {
    getRunCalls.incrementAndGet();
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deleteExperiment(String experimentId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void restoreExperiment(String experimentId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public RunInfo createRun(NewRun run) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deleteRun(String runId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void restoreRun(String runId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deleteTag(String runId, String key) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
