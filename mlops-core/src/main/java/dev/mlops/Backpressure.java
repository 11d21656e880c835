package dev.mlops;

/**
 * What a logging call ({@link ActiveRun#logMetric}, {@code logParam}, {@code setTag}) does when the
 * backend does not keep up or is down. Set it per {@link Mlops} with {@link
 * Mlops.Builder#backpressure}, the system property {@code mlops.log.backpressure} or the
 * environment variable {@code MLOPS_LOG_BACKPRESSURE} ({@code BLOCK} or {@code SPILL}).
 *
 * <pre>{@code
 * Mlops mlops = Mlops.builder().backpressure(Backpressure.SPILL).build();
 * }</pre>
 *
 * <p>Either way, every point logged before a {@link ActiveRun#flush()} that returned is stored, and
 * transient backend failures (outages, throttling) are retried with backoff.
 */
public enum Backpressure {

  /**
   * The default: points wait in a bounded in-memory queue ({@link MlopsConfig#logQueueCapacity()}),
   * and a logging call waits when the queue is full. Points still queued when {@link Mlops#close()}
   * gives up are lost, and their number is reported.
   */
  BLOCK,

  /**
   * Every point is appended to a local journal ({@link MlopsConfig#journalDir()}) before the
   * logging call returns, so a logging call never waits for the backend. The journal is written
   * back in order as the backend accepts it, is synced to disk at least every 100 ms and on {@code
   * flush()}, survives a crash of the process, and is replayed by the next {@link Mlops} opened on
   * the same tracking URI. The journal grows on disk while the backend is down.
   */
  SPILL
}
