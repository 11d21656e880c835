package dev.mlops.internal.logging;

import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import dev.mlops.spi.BatchLimits;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one {@link BatchSink#write} call carries: metrics, params and tags of one run, within the
 * backend's {@link dev.mlops.spi.BatchLimits}.
 *
 * @param runId the run the data belongs to
 * @param metrics metric points, in logging order
 * @param params params, at most one per key
 * @param tags tags, at most one per key (the last value set wins)
 * @param points how many logged points this batch accounts for; at least {@link #size()}, more when
 *     a repeated param or tag was folded into an earlier one
 */
public record LogBatch(
    String runId, List<Metric> metrics, List<Param> params, List<Tag> tags, int points) {

  public LogBatch {
    metrics = List.copyOf(metrics);
    params = List.copyOf(params);
    tags = List.copyOf(tags);
    if (points < metrics.size() + params.size() + tags.size()) {
      throw new IllegalArgumentException(
          "points (" + points + ") must cover every entity of the batch");
    }
  }

  /** A batch that accounts for exactly its own entities. */
  public static LogBatch of(
      String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    return new LogBatch(runId, metrics, params, tags, metrics.size() + params.size() + tags.size());
  }

  /**
   * Cuts one synchronous write into batches within {@code limits}, keeping the order of each list;
   * no batch when all three lists are empty. A param repeated with the same value is sent once; a
   * tag repeated keeps its last value.
   */
  public static List<LogBatch> split(
      String runId, List<Metric> metrics, List<Param> params, List<Tag> tags, BatchLimits limits) {
    return BatchBuilder.split(runId, metrics, params, tags, limits);
  }

  /** Metrics + params + tags. */
  public int size() {
    return metrics.size() + params.size() + tags.size();
  }

  /** The same run's metrics and tags, without params. */
  LogBatch withoutParams() {
    return LogBatch.of(runId, metrics, List.of(), tags);
  }

  /**
   * The distinct keys, for messages: {@code params [alpha], metrics [loss, acc]}, at most {@code
   * max} per kind.
   */
  public String describeKeys(int max) {
    List<String> parts = new ArrayList<>(3);
    addKeys(parts, "params", params.stream().map(Param::key).toList(), max);
    addKeys(parts, "metrics", metrics.stream().map(Metric::key).toList(), max);
    addKeys(parts, "tags", tags.stream().map(Tag::key).toList(), max);
    return String.join(", ", parts);
  }

  /**
   * The distinct keys as MLflow's search grammar names them ({@code params.alpha}, {@code
   * metrics.loss}, {@code tags.team}), at most {@code max} in all.
   */
  public List<String> keyNames(int max) {
    Set<String> names = new LinkedHashSet<>();
    for (Param p : params) {
      names.add("params." + p.key());
    }
    for (Metric m : metrics) {
      names.add("metrics." + m.key());
    }
    for (Tag t : tags) {
      names.add("tags." + t.key());
    }
    return names.stream().limit(max).toList();
  }

  private static void addKeys(List<String> parts, String kind, List<String> keys, int max) {
    if (keys.isEmpty()) {
      return;
    }
    Set<String> distinct = new LinkedHashSet<>(keys);
    List<String> shown = new ArrayList<>();
    for (String key : distinct) {
      if (shown.size() == max) {
        shown.add("... " + (distinct.size() - max) + " more");
        break;
      }
      shown.add(key);
    }
    parts.add(kind + " " + shown);
  }
}
