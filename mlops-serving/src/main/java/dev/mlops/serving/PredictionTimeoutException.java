package dev.mlops.serving;

import dev.mlops.MlopsException;

/** A request waited longer than its timeout for a result; it will not run after this. */
public class PredictionTimeoutException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public PredictionTimeoutException(String message) {
    super(message);
  }
}
