package dev.mlops.internal.tracking;

import dev.mlops.*;
import dev.mlops.MlopsConfig;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.spi.TrackingBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Placeholder. */
public final class DefaultTracking implements Tracking {
  public DefaultTracking(TrackingBackend backend, ArtifactStores stores, MlopsConfig config) {}

  /** Flushes open runs and stops the logging worker. */
  public void close() {}
  @Override
  public String createExperiment(String name, @Nullable String artifactLocation, Map<String, String> tags) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Experiment getOrCreateExperiment(String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteExperiment(String experimentId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void restoreExperiment(String experimentId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ActiveRun startRun(String experimentName) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ActiveRun startRun(String experimentName, String runName) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ActiveRun startRun(RunOptions options) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void withRun(String experimentName, Consumer<ActiveRun> body) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Optional<Run> getRun(String runId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setRunStatus(String runId, RunStatus status) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteRun(String runId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void restoreRun(String runId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setTag(String runId, String key, String value) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteTag(String runId, String key) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public List<Metric> getMetricHistory(String runId, String key) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Stream<Run> streamRuns(RunQuery query) {
    throw new IllegalStateException("placeholder");
  }
}
