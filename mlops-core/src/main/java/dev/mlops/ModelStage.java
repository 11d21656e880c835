package dev.mlops;

import java.util.Locale;

/**
 * MLflow's legacy model version stages, kept for compatibility. Aliases ({@link
 * ModelRegistry#setAlias}) are the recommended way to mark a version.
 */
public enum ModelStage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String wireName;

  ModelStage(String wireName) {
    this.wireName = wireName;
  }

  /** The capitalised name MLflow stores and sends: {@code None}, {@code Staging}, ... */
  public String wireName() {
    return wireName;
  }

  /** Parses a stage name, case-insensitively ({@code production}, {@code Production}, ...). */
  public static ModelStage fromWire(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (ModelStage s : values()) {
      if (s.wireName.toLowerCase(Locale.ROOT).equals(v)) {
        return s;
      }
    }
    throw new InvalidInputException(
        "Unknown model stage '"
            + value
            + "': expected one of None, Staging, Production, Archived.");
  }
}
