package dev.mlops.serving;

import dev.mlops.MlopsException;

/**
 * A request was refused because the predictor's queue is full: the caller should shed load or retry
 * later (an HTTP server answers 503).
 */
public class PredictorOverloadedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public PredictorOverloadedException(String message) {
    super(message);
  }
}
