package dev.mlops.spi;

/**
 * How much one {@link TrackingBackend#logBatch} call may carry. The logging engine never sends
 * more.
 *
 * @param maxMetrics metric points per batch
 * @param maxParams params per batch
 * @param maxTags tags per batch
 * @param maxEntities metrics + params + tags per batch
 * @param maxBytes rough serialized size per batch
 */
public record BatchLimits(
    int maxMetrics, int maxParams, int maxTags, int maxEntities, long maxBytes) {

  /** MLflow's REST limits: 1000 metrics, 100 params, 100 tags, 1000 entities, 1 MB. */
  public static final BatchLimits MLFLOW = new BatchLimits(1000, 100, 100, 1000, 1_000_000);

  public BatchLimits {
    if (maxMetrics < 1 || maxParams < 1 || maxTags < 1 || maxEntities < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("batch limits must be positive");
    }
  }
}
