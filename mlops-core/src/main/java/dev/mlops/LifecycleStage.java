package dev.mlops;

import java.util.Locale;

/** Whether an experiment or run is live or soft-deleted (restorable). */
public enum LifecycleStage {
  ACTIVE,
  DELETED;

  /** The lowercase word MLflow stores and sends: {@code active} or {@code deleted}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses MLflow's word, case-insensitively. */
  public static LifecycleStage fromWire(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "Unknown lifecycle stage '" + value + "': expected 'active' or 'deleted'.");
    }
  }
}
