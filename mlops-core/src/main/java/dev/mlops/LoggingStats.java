package dev.mlops;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the health of one {@link Mlops}'s background logging, from {@link
 * Mlops#loggingStats()}: what is waiting, what was sent, what failed. Counters start at zero when
 * the {@code Mlops} opens. Cheap to take; meant for health checks and metrics.
 *
 * <pre>{@code
 * LoggingStats s = mlops.loggingStats();
 * if (s.journalBytes() > 1_000_000_000L) alert("tracking server down? " + s.lastErrorMessage());
 * }</pre>
 *
 * @param backpressure the mode in force
 * @param queueDepth points logged and not yet taken by the writer: in the in-memory queue ({@link
 *     Backpressure#BLOCK}) or in the journal ({@link Backpressure#SPILL})
 * @param queueCapacity the most points the in-memory queue holds before {@link Backpressure#BLOCK}
 *     makes logging calls wait
 * @param pointsSent points the backend accepted
 * @param batchesSent successful batch writes
 * @param pointsFailed points the backend rejected or that could not be written before close
 * @param retries batch writes retried after a transient failure (outage, throttling)
 * @param journalBytes bytes in the local journal not yet accepted by the backend, including
 *     journals of earlier processes being replayed
 * @param lastError message of the most recent failure or retry, null when none happened
 */
public record LoggingStats(
    Backpressure backpressure,
    long queueDepth,
    int queueCapacity,
    long pointsSent,
    long batchesSent,
    long pointsFailed,
    long retries,
    long journalBytes,
    @Nullable String lastError) {

  /** The most recent failure's message, if any write failed or was retried. */
  public Optional<String> lastErrorMessage() {
    return Optional.ofNullable(lastError);
  }
}
