package dev.mlops.spi;

/**
 * How much one {@link TrackingBackend#logBatch} call may carry, and how many such calls the logging
 * engine may have in flight at once. The logging engine never sends more.
 *
 * @param maxMetrics metric points per batch
 * @param maxParams params per batch
 * @param maxTags tags per batch
 * @param maxEntities metrics + params + tags per batch
 * @param maxBytes rough serialized size per batch
 * @param maxInFlight batches without tags the engine may write concurrently (1: one at a time).
 *     Batches holding tags are always written after everything logged before them, so the last
 *     value set wins; metric points and params are idempotent, so their order does not matter.
 */
public record BatchLimits(
    int maxMetrics, int maxParams, int maxTags, int maxEntities, long maxBytes, int maxInFlight) {

  /**
   * MLflow's REST limits: 1000 metrics, 100 params, 100 tags, 1000 entities, 1 MB; one batch in
   * flight.
   */
  public static final BatchLimits MLFLOW = new BatchLimits(1000, 100, 100, 1000, 1_000_000);

  public BatchLimits {
    if (maxMetrics < 1
        || maxParams < 1
        || maxTags < 1
        || maxEntities < 1
        || maxBytes < 1
        || maxInFlight < 1) {
      throw new IllegalArgumentException("batch limits must be positive");
    }
  }

  /** Limits with one batch in flight at a time. */
  public BatchLimits(int maxMetrics, int maxParams, int maxTags, int maxEntities, long maxBytes) {
    this(maxMetrics, maxParams, maxTags, maxEntities, maxBytes, 1);
  }

  /** The same limits with {@code batches} allowed in flight at once. */
  public BatchLimits withMaxInFlight(int batches) {
    return new BatchLimits(maxMetrics, maxParams, maxTags, maxEntities, maxBytes, batches);
  }
}
