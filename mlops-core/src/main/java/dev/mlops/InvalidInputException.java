package dev.mlops;

import org.jspecify.annotations.Nullable;

/**
 * An argument was rejected before anything was written: what was wrong, the value, and the rule it
 * broke.
 */
public class InvalidInputException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
