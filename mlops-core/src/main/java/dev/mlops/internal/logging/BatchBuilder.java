package dev.mlops.internal.logging;

import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import dev.mlops.spi.BatchLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Collects one run's points into a batch that stays within {@link BatchLimits}: metrics, params and
 * tags each against their own limit, their sum against {@code maxEntities}, and an estimate of the
 * serialized size against {@code maxBytes}.
 *
 * <p>A param logged again with the same value, or a tag set again, is folded into the entry already
 * in the batch; a param logged again with another value does not fit, so it starts the next batch
 * (where the backend reports the conflict). Not thread-safe: each builder belongs to one thread.
 */
final class BatchBuilder {

  /** Per-entity allowance for field names and numbers in a JSON body. */
  private static final int METRIC_OVERHEAD = 64;

  private static final int ENTRY_OVERHEAD = 32;

  private final String runId;
  private final BatchLimits limits;
  private final List<Metric> metrics = new ArrayList<>();
  private final List<Param> params = new ArrayList<>();
  private final List<Tag> tags = new ArrayList<>();
  private final Map<String, Integer> paramIndex = new HashMap<>();
  private final Map<String, Integer> tagIndex = new HashMap<>();
  private long bytes;
  private int points;

  BatchBuilder(String runId, BatchLimits limits) {
    this.runId = runId;
    this.limits = limits;
  }

  /**
   * Splits a synchronous write into batches within {@code limits}, keeping the given order; no
   * batch when there is nothing to write.
   */
  static List<LogBatch> split(
      String runId, List<Metric> metrics, List<Param> params, List<Tag> tags, BatchLimits limits) {
    List<LogBatch> out = new ArrayList<>();
    BatchBuilder b = new BatchBuilder(runId, limits);
    for (Param p : params) {
      while (!b.addParam(p.key(), p.value())) {
        out.add(b.take());
      }
    }
    for (Tag t : tags) {
      while (!b.addTag(t.key(), t.value())) {
        out.add(b.take());
      }
    }
    for (Metric m : metrics) {
      while (!b.addMetric(m.key(), m.value(), m.timestamp(), m.step())) {
        out.add(b.take());
      }
    }
    if (!b.isEmpty()) {
      out.add(b.take());
    }
    return out;
  }

  boolean isEmpty() {
    return points == 0;
  }

  /**
   * Adds {@code p}; false when it does not fit, and then the caller takes the batch and retries.
   */
  boolean add(LogPoint p) {
    return switch (p.kind) {
      case LogPoint.METRIC -> addMetric(p.key, p.value, p.timestamp, p.step);
      case LogPoint.PARAM -> addParam(p.key, text(p));
      case LogPoint.TAG -> addTag(p.key, text(p));
      default -> true;
    };
  }

  boolean addMetric(String key, double value, long timestamp, long step) {
    long size = key.length() + METRIC_OVERHEAD;
    if (metrics.size() >= limits.maxMetrics() || !roomFor(size)) {
      return false;
    }
    metrics.add(new Metric(key, value, timestamp, step));
    bytes += size;
    points++;
    return true;
  }

  boolean addParam(String key, String value) {
    Integer at = paramIndex.get(key);
    if (at != null) {
      if (!params.get(at).value().equals(value)) {
        return false;
      }
      points++;
      return true;
    }
    long size = utf8Length(key) + utf8Length(value) + ENTRY_OVERHEAD;
    if (params.size() >= limits.maxParams() || !roomFor(size)) {
      return false;
    }
    paramIndex.put(key, params.size());
    params.add(new Param(key, value));
    bytes += size;
    points++;
    return true;
  }

  boolean addTag(String key, String value) {
    Integer at = tagIndex.get(key);
    if (at != null) {
      Tag old = tags.get(at);
      long grow = utf8Length(value) - utf8Length(old.value());
      if (grow > 0 && bytes + grow > limits.maxBytes()) {
        return false;
      }
      tags.set(at, new Tag(key, value));
      bytes += grow;
      points++;
      return true;
    }
    long size = utf8Length(key) + utf8Length(value) + ENTRY_OVERHEAD;
    if (tags.size() >= limits.maxTags() || !roomFor(size)) {
      return false;
    }
    tagIndex.put(key, tags.size());
    tags.add(new Tag(key, value));
    bytes += size;
    points++;
    return true;
  }

  /** The batch collected so far; the builder starts empty again. */
  LogBatch take() {
    LogBatch batch = new LogBatch(runId, metrics, params, tags, points);
    metrics.clear();
    params.clear();
    tags.clear();
    paramIndex.clear();
    tagIndex.clear();
    bytes = 0;
    points = 0;
    return batch;
  }

  private boolean roomFor(long size) {
    int entities = metrics.size() + params.size() + tags.size();
    if (entities >= limits.maxEntities()) {
      return false;
    }
    // A single oversized entity still goes out, alone.
    return entities == 0 || bytes + size <= limits.maxBytes();
  }

  private static String text(LogPoint p) {
    String t = p.text;
    return t == null ? "" : t;
  }

  static long utf8Length(@Nullable String s) {
    if (s == null) {
      return 0;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
