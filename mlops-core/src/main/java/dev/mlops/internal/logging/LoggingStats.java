package dev.mlops.internal.logging;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link LoggingEngine}'s counters, for monitoring and tests.
 *
 * @param queueDepth points waiting in the queue now
 * @param queueCapacity the most points the queue holds before logging calls wait
 * @param pointsSent points written successfully since the engine started
 * @param batchesSent successful sink writes since the engine started
 * @param pointsFailed points whose write failed (reported at the run's next flush)
 * @param lastError message of the most recent failure, null when none happened
 */
public record LoggingStats(
    int queueDepth,
    int queueCapacity,
    long pointsSent,
    long batchesSent,
    long pointsFailed,
    @Nullable String lastError) {

  /** The most recent failure's message, if any write failed. */
  public Optional<String> lastErrorMessage() {
    return Optional.ofNullable(lastError);
  }
}
