package dev.mlops;

import org.jspecify.annotations.Nullable;

/**
 * Root of every failure the SDK reports. Unchecked: misuse and remote errors are not something a
 * caller can usually recover from at the call site. Messages say what was wrong, with which value,
 * and what to do; they never contain secrets.
 *
 * <p>Subclasses: {@link NotFoundException}, {@link AlreadyExistsException}, {@link
 * InvalidInputException}, {@link BackendUnavailableException}, {@link PermissionDeniedException}.
 */
public class MlopsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MlopsException(String message) {
    super(message);
  }

  public MlopsException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
