package dev.mlops;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The backend could not be reached, was overloaded or throttled the call; the operation may succeed
 * later. The logging engine retries batch writes that fail this way, with exponential backoff and
 * jitter, waiting at least {@link #retryAfter()} when the backend said how long to wait (HTTP 429
 * or 503 with {@code Retry-After}).
 */
public class BackendUnavailableException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  public BackendUnavailableException(String message) {
    this(message, null, null);
  }

  public BackendUnavailableException(String message, @Nullable Throwable cause) {
    this(message, cause, null);
  }

  /**
   * For a backend that was told when to come back, e.g. by an HTTP {@code Retry-After} header.
   *
   * @param retryAfter how long the backend asked callers to wait, null when it did not say
   */
  public BackendUnavailableException(
      String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
  }

  /** How long the backend asked callers to wait before trying again, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
