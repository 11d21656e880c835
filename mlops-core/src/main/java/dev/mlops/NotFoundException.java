package dev.mlops;

import org.jspecify.annotations.Nullable;

/** A named thing (experiment, run, registered model, version, alias, artifact) does not exist. */
public class NotFoundException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
