package dev.mlops.internal.logging;

import dev.mlops.spi.TrackingBackend;

/**
 * Where the {@link LoggingEngine}'s worker sends each batch. The plain sink writes to a {@link
 * TrackingBackend}; decorators (retries with backoff, spilling to a local file) wrap it without the
 * engine changing.
 *
 * <p>Called from the engine's single worker thread only.
 */
@FunctionalInterface
public interface BatchSink {

  /**
   * Writes one batch, or throws. A {@link dev.mlops.MlopsException} keeps its type when it reaches
   * the caller of {@code flush()}; anything else surfaces as a plain {@link
   * dev.mlops.MlopsException}.
   */
  void write(LogBatch batch);

  /** A sink that calls {@link TrackingBackend#logBatch} once per batch. */
  static BatchSink of(TrackingBackend backend) {
    return batch -> backend.logBatch(batch.runId(), batch.metrics(), batch.params(), batch.tags());
  }
}
