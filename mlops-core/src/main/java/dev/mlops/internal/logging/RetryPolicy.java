package dev.mlops.internal.logging;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How long to wait before retrying a batch write that failed with {@link
 * dev.mlops.BackendUnavailableException}: exponential backoff from {@code initialDelay}, doubling
 * per attempt up to {@code maxDelay}, with "equal jitter" (a random point in the upper half of the
 * step) so that many clients do not retry in lockstep. When the backend said how long to wait
 * ({@code Retry-After}), the wait is at least that, up to {@code maxRetryAfter}.
 *
 * <p>Transient failures are retried until they stop or the engine closes; other failures are never
 * retried.
 *
 * @param initialDelay the first wait
 * @param maxDelay the longest computed wait
 * @param maxRetryAfter the longest wait a backend's {@code Retry-After} can ask for
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {

  /** 100 ms, doubling up to 30 s; {@code Retry-After} honoured up to 10 minutes. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(10));

  public RetryPolicy {
    if (initialDelay.isNegative()
        || initialDelay.isZero()
        || maxDelay.compareTo(initialDelay) < 0
        || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException(
          "retry delays must be positive and maxDelay >= initialDelay: "
              + initialDelay
              + ", "
              + maxDelay
              + ", "
              + maxRetryAfter);
    }
  }

  /**
   * The wait before retry number {@code attempt} (0 for the first retry), in nanoseconds.
   *
   * @param retryAfter what the backend asked for, null when it did not say
   */
  public long delayNanos(int attempt, @Nullable Duration retryAfter) {
    long cap = maxDelay.toNanos();
    long step = initialDelay.toNanos();
    for (int i = 0; i < attempt && step < cap; i++) {
      step = step > cap / 2 ? cap : step * 2;
    }
    step = Math.min(step, cap);
    long half = step / 2;
    long delay = half + ThreadLocalRandom.current().nextLong(half + 1);
    if (retryAfter != null) {
      Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      delay = Math.max(delay, asked.toNanos());
    }
    return delay;
  }
}
