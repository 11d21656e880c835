package dev.mlops;

import org.jspecify.annotations.Nullable;

/** The backend refused the caller's credentials or permissions. */
public class PermissionDeniedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }

  public PermissionDeniedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
