package dev.mlops.internal.logging;

import org.jspecify.annotations.Nullable;

/**
 * One logged item on its way through the queue: a metric point, a param or a tag. The only object a
 * logging call allocates in BLOCK mode (in SPILL mode the worker makes it when it reads the
 * journal); the worker turns it into a {@link dev.mlops.Metric}, {@link dev.mlops.Param} or {@link
 * dev.mlops.Tag} when it builds a batch.
 */
final class LogPoint {

  static final byte METRIC = 0;
  static final byte PARAM = 1;
  static final byte TAG = 2;

  /** Wakes the worker at close; carries nothing. */
  static final byte WAKE = 3;

  final RunChannel run;
  final byte kind;
  final String key;
  final @Nullable String text;
  final double value;
  final long timestamp;
  final long step;

  LogPoint(
      RunChannel run,
      byte kind,
      String key,
      @Nullable String text,
      double value,
      long timestamp,
      long step) {
    this.run = run;
    this.kind = kind;
    this.key = key;
    this.text = text;
    this.value = value;
    this.timestamp = timestamp;
    this.step = step;
  }

  String kindName() {
    return kindName(kind);
  }

  static String kindName(byte kind) {
    return switch (kind) {
      case METRIC -> "metric";
      case PARAM -> "param";
      case TAG -> "tag";
      default -> "marker";
    };
  }

  /** {@code metrics.}, {@code params.} or {@code tags.}: how MLflow's search grammar names keys. */
  static String searchPrefix(byte kind) {
    return switch (kind) {
      case METRIC -> "metrics.";
      case PARAM -> "params.";
      case TAG -> "tags.";
      default -> "";
    };
  }
}
