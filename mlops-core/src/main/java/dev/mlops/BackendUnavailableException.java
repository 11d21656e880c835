package dev.mlops;

import org.jspecify.annotations.Nullable;

/**
 * The backend could not be reached or stayed busy past the retry budget; the operation may succeed
 * later.
 */
public class BackendUnavailableException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }

  public BackendUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
