package dev.mlops;

import java.util.Map;

/**
 * An experiment: a named group of runs sharing an artifact location.
 *
 * @param experimentId the backend's id (a decimal string in MLflow)
 * @param name unique among experiments, at most 500 characters
 * @param artifactLocation root URI under which each run gets {@code <runId>/artifacts}
 * @param lifecycleStage whether it is deleted
 * @param tags experiment tags
 * @param creationTime milliseconds since the epoch
 * @param lastUpdateTime milliseconds since the epoch
 */
public record Experiment(
    String experimentId,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    Map<String, String> tags,
    long creationTime,
    long lastUpdateTime) {
  public Experiment {
    tags = Map.copyOf(tags);
  }
}
