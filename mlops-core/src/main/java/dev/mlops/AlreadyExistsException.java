package dev.mlops;

import org.jspecify.annotations.Nullable;

/** A thing with that name exists already: an experiment name, a registered model name. */
public class AlreadyExistsException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message);
  }

  public AlreadyExistsException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
