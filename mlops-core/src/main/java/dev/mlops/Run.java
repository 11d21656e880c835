package dev.mlops;

import java.util.Map;

/**
 * A run with its data: params, the latest value of each metric, and tags.
 *
 * @param info metadata
 * @param params all params, by key
 * @param metrics the latest point of each metric (highest step, then timestamp, then value)
 * @param tags all tags, by key, including system tags such as {@code mlflow.runName}
 */
public record Run(
    RunInfo info,
    Map<String, String> params,
    Map<String, Metric> metrics,
    Map<String, String> tags) {
  public Run {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }

  /** Shortcut for {@code info().runId()}. */
  public String runId() {
    return info.runId();
  }
}
