package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import java.time.Duration;

/**
 * Dynamic batching settings for {@link BatchingPredictor}: requests queued together run as one
 * batch of up to {@link #maxBatchSize()} rows. An idle worker that gets a request waits up to
 * {@link #maxBatchDelay()} for others to join it while callers are known to be on their way; a
 * worker that finds requests already queued runs them at once (see {@link BatchingPredictor}).
 *
 * <pre>{@code
 * Batching b = Batching.of(64, Duration.ofMillis(2)).withQueueCapacity(4096);
 * }</pre>
 *
 * @param maxBatchSize most rows run at once (a single larger request still runs, alone)
 * @param maxBatchDelay longest a request waits for others to join its batch (zero: never waits)
 * @param queueCapacity requests that may wait; beyond it new ones fail with {@link
 *     PredictorOverloadedException}
 * @param requestTimeout longest a caller waits for its result before {@link
 *     PredictionTimeoutException}
 * @param workers threads running batches
 */
public record Batching(
    int maxBatchSize,
    Duration maxBatchDelay,
    int queueCapacity,
    Duration requestTimeout,
    int workers) {

  public Batching {
    if (maxBatchSize < 1) {
      throw new InvalidInputException("maxBatchSize must be at least 1, got " + maxBatchSize + ".");
    }
    if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
      throw new InvalidInputException(
          "maxBatchDelay must be zero or more, got " + maxBatchDelay + ".");
    }
    if (queueCapacity < 1) {
      throw new InvalidInputException(
          "queueCapacity must be at least 1, got " + queueCapacity + ".");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new InvalidInputException(
          "requestTimeout must be positive, got " + requestTimeout + ".");
    }
    if (workers < 1) {
      throw new InvalidInputException("workers must be at least 1, got " + workers + ".");
    }
  }

  /**
   * Batches of up to {@code maxBatchSize} rows, waiting at most {@code maxBatchDelay}; a queue of
   * 1,024 requests, a 30 s request timeout and one worker.
   */
  public static Batching of(int maxBatchSize, Duration maxBatchDelay) {
    return new Batching(maxBatchSize, maxBatchDelay, 1024, Duration.ofSeconds(30), 1);
  }

  /** A copy with another queue capacity. */
  public Batching withQueueCapacity(int capacity) {
    return new Batching(maxBatchSize, maxBatchDelay, capacity, requestTimeout, workers);
  }

  /** A copy with another request timeout. */
  public Batching withRequestTimeout(Duration timeout) {
    return new Batching(maxBatchSize, maxBatchDelay, queueCapacity, timeout, workers);
  }

  /** A copy with another number of worker threads. */
  public Batching withWorkers(int count) {
    return new Batching(maxBatchSize, maxBatchDelay, queueCapacity, requestTimeout, count);
  }
}
