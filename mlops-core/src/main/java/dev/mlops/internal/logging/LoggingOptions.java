package dev.mlops.internal.logging;

import dev.mlops.Backpressure;
import dev.mlops.LoggingError;
import dev.mlops.MlopsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link LoggingEngine} behaves beyond its sink and batch limits.
 *
 * @param queueCapacity points the in-memory queue holds before {@link Backpressure#BLOCK} callers
 *     wait
 * @param backpressure BLOCK or SPILL
 * @param journalDir this store's journal directory: {@link Backpressure#SPILL} journals go into a
 *     new subdirectory of it, and journals left there by earlier engines are replayed first (in
 *     either mode); null for no journal at all
 * @param retry how transient failures are retried
 * @param errors told about points that could not be stored
 * @param shutdownHookTimeout how long a JVM shutdown hook waits for pending points before closing
 *     the engine; null for no hook
 * @param segmentBytes size of one journal segment file
 * @param journalMaxBytes the most bytes the SPILL journal holds that the backend has not taken;
 *     logging calls wait while it is full ({@link dev.mlops.MlopsConfig#NO_JOURNAL_LIMIT}: never)
 */
public record LoggingOptions(
    int queueCapacity,
    Backpressure backpressure,
    @Nullable Path journalDir,
    RetryPolicy retry,
    Consumer<LoggingError> errors,
    @Nullable Duration shutdownHookTimeout,
    int segmentBytes,
    long journalMaxBytes) {

  /** 8 MiB: about 150,000 metric points per segment file. */
  public static final int DEFAULT_SEGMENT_BYTES = 8 << 20;

  public LoggingOptions {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
    }
    if (backpressure == Backpressure.SPILL && journalDir == null) {
      throw new IllegalArgumentException("SPILL needs a journal directory");
    }
    if (journalMaxBytes < 2L * segmentBytes) {
      throw new IllegalArgumentException(
          "journalMaxBytes must be at least two segments, got " + journalMaxBytes);
    }
    if (segmentBytes < Journal.MIN_SEGMENT_BYTES || segmentBytes % 8 != 0) {
      throw new IllegalArgumentException(
          "segmentBytes must be a multiple of 8 and at least "
              + Journal.MIN_SEGMENT_BYTES
              + ", got "
              + segmentBytes);
    }
  }

  /** BLOCK, no journal, default retries, no listener, no shutdown hook. */
  public static LoggingOptions defaults(int queueCapacity) {
    return new LoggingOptions(
        queueCapacity,
        Backpressure.BLOCK,
        null,
        RetryPolicy.DEFAULT,
        e -> {},
        null,
        DEFAULT_SEGMENT_BYTES,
        MlopsConfig.NO_JOURNAL_LIMIT);
  }

  /**
   * The options an {@link dev.mlops.Mlops} uses: its queue capacity and backpressure, the journal
   * directory of its tracking store (see {@link JournalDirectory#forStore}), default retries, a
   * shutdown hook waiting up to the close timeout.
   */
  public static LoggingOptions from(MlopsConfig config, Consumer<LoggingError> errors) {
    return new LoggingOptions(
        config.logQueueCapacity(),
        config.backpressure(),
        JournalDirectory.forStore(
            config.journalDir(), config.trackingUri(), config.workingDirectory()),
        RetryPolicy.DEFAULT,
        errors,
        config.closeTimeout(),
        DEFAULT_SEGMENT_BYTES,
        config.journalMaxBytes());
  }

  public LoggingOptions withBackpressure(Backpressure mode, @Nullable Path dir) {
    return new LoggingOptions(
        queueCapacity,
        mode,
        dir,
        retry,
        errors,
        shutdownHookTimeout,
        segmentBytes,
        journalMaxBytes);
  }

  public LoggingOptions withRetry(RetryPolicy policy) {
    return new LoggingOptions(
        queueCapacity,
        backpressure,
        journalDir,
        policy,
        errors,
        shutdownHookTimeout,
        segmentBytes,
        journalMaxBytes);
  }

  public LoggingOptions withErrors(Consumer<LoggingError> listener) {
    return new LoggingOptions(
        queueCapacity,
        backpressure,
        journalDir,
        retry,
        listener,
        shutdownHookTimeout,
        segmentBytes,
        journalMaxBytes);
  }

  public LoggingOptions withShutdownHook(@Nullable Duration timeout) {
    return new LoggingOptions(
        queueCapacity,
        backpressure,
        journalDir,
        retry,
        errors,
        timeout,
        segmentBytes,
        journalMaxBytes);
  }

  public LoggingOptions withSegmentBytes(int bytes) {
    return new LoggingOptions(
        queueCapacity,
        backpressure,
        journalDir,
        retry,
        errors,
        shutdownHookTimeout,
        bytes,
        journalMaxBytes);
  }

  public LoggingOptions withJournalMaxBytes(long bytes) {
    return new LoggingOptions(
        queueCapacity,
        backpressure,
        journalDir,
        retry,
        errors,
        shutdownHookTimeout,
        segmentBytes,
        bytes);
  }
}
