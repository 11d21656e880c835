package dev.mlops.internal.logging;

import dev.mlops.BackendUnavailableException;

/**
 * Thrown by {@link RetryingSink} when the engine stops while a batch is still waiting to be
 * retried: the backend was unavailable until the end, so the batch was neither written nor
 * rejected.
 */
final class AbandonedWrite extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  AbandonedWrite(BackendUnavailableException last) {
    super(
        "logging stopped while the backend was still unavailable ("
            + RunFailures.causeMessage(last)
            + ")",
        last);
  }
}
