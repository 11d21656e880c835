package dev.mlops.internal.logging;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The counters behind {@link dev.mlops.LoggingStats}, updated by the worker thread and read by
 * anyone.
 */
final class EngineCounters {

  final AtomicLong pointsSent = new AtomicLong();
  final AtomicLong batchesSent = new AtomicLong();
  final AtomicLong pointsFailed = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();

  void error(String message) {
    lastError.set(message);
  }

  @Nullable String lastError() {
    return lastError.get();
  }
}
