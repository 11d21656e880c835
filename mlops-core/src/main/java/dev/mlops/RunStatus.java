package dev.mlops;

import java.util.Locale;

/** The status of a run, with MLflow's names. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED;

  /**
   * True for {@link #FINISHED}, {@link #FAILED} and {@link #KILLED}: nothing may be logged any
   * more.
   */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }

  /** Parses MLflow's name, case-insensitively. */
  public static RunStatus fromWire(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "Unknown run status '"
              + value
              + "': expected one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.");
    }
  }
}
