package dev.mlops.mlflow;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How often and how patiently a request is repeated after a transient failure (connect error, 429,
 * 5xx): exponential backoff with jitter, and the server's {@code Retry-After} when it sends one.
 *
 * @param maxRetries repeats after the first attempt; 0 disables retries
 * @param backoffFactor the wait before the first repeat; it doubles for each further one
 * @param maxBackoff the longest single wait
 */
record RetryPolicy(int maxRetries, Duration backoffFactor, Duration maxBackoff) {

  static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

  RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
    }
    if (backoffFactor.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff durations must not be negative");
    }
  }

  /**
   * The wait before repeat number {@code retry} (1 for the first): half the exponential delay plus
   * a random share of the other half, or the server's {@code Retry-After}, never more than {@link
   * #maxBackoff}.
   */
  Duration delay(int retry, @Nullable Duration retryAfter) {
    long cap = maxBackoff.toMillis();
    if (retryAfter != null) {
      return Duration.ofMillis(Math.min(cap, Math.max(0, retryAfter.toMillis())));
    }
    long base = backoffFactor.toMillis();
    int shift = Math.min(Math.max(retry - 1, 0), 30);
    long exponential = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    long bounded = Math.min(cap, exponential);
    long half = bounded / 2;
    long jitter = half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0;
    return Duration.ofMillis(bounded - half + jitter);
  }
}
