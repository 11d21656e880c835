package dev.mlops.internal.logging;

import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.Param;
import dev.mlops.spi.BatchLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a {@link LoggingEngine}: turns a chunk of queued points into per-run batches
 * within the backend's {@link BatchLimits}, writes each to the {@link BatchSink} as soon as it is
 * full, and records per run what was written and what failed.
 *
 * <p>When a batch with params is rejected as invalid, it writes the batch's metrics and tags alone
 * and then each param alone, so that only the offending params are lost and the error names them.
 * Writes are idempotent, so repeating part of a batch is safe.
 *
 * <p>{@link #write} is called by the engine's single worker thread only; the counters may be read
 * from any thread.
 */
final class BatchWriter {

  /** Told how many points of a run the writer is done with, written or failed. */
  @FunctionalInterface
  interface Progress {
    void completed(RunChannel channel, int points);
  }

  private static final Logger LOG = LoggerFactory.getLogger(LoggingEngine.class);
  private static final int MAX_KEYS_IN_MESSAGE = 10;

  private final BatchSink sink;
  private final BatchLimits limits;
  private final Progress progress;
  private final List<RunChannel> active = new ArrayList<>();

  private volatile int inFlight;
  private volatile boolean stopping;
  private final AtomicLong pointsSent = new AtomicLong();
  private final AtomicLong batchesSent = new AtomicLong();
  private final AtomicLong pointsFailed = new AtomicLong();
  private volatile @Nullable String lastError;

  BatchWriter(BatchSink sink, BatchLimits limits, Progress progress) {
    this.sink = sink;
    this.limits = limits;
    this.progress = progress;
  }

  /** Writes every point of {@code chunk}, grouped by run, in the order each run logged them. */
  void write(List<LogPoint> chunk) {
    int points = 0;
    for (int i = 0; i < chunk.size(); i++) {
      if (chunk.get(i).kind != LogPoint.WAKE) {
        points++;
      }
    }
    inFlight = points;
    try {
      for (int i = 0; i < chunk.size(); i++) {
        LogPoint p = chunk.get(i);
        if (p.kind == LogPoint.WAKE) {
          continue;
        }
        RunChannel channel = p.run;
        BatchBuilder builder = channel.builder;
        if (builder == null) {
          builder = new BatchBuilder(channel.runId(), limits);
          channel.builder = builder;
          active.add(channel);
        }
        while (!builder.add(p)) {
          send(channel, builder.take());
        }
      }
      for (int i = 0; i < active.size(); i++) {
        RunChannel channel = active.get(i);
        BatchBuilder builder = channel.builder;
        channel.builder = null;
        if (builder != null && !builder.isEmpty()) {
          send(channel, builder.take());
        }
      }
    } finally {
      for (int i = 0; i < active.size(); i++) {
        active.get(i).builder = null;
      }
      active.clear();
      inFlight = 0;
    }
  }

  /** Records that {@code points} of {@code channel} were not stored, for its next flush. */
  void fail(RunChannel channel, int points, Throwable cause, String keys) {
    pointsFailed.addAndGet(points);
    String message = RunFailures.causeMessage(cause);
    lastError = "run " + channel.runId() + ", " + keys + ": " + message;
    boolean firstSinceFlush = channel.failures.isEmpty();
    channel.failures.record(cause, keys, points);
    if (channel.released || stopping) {
      LOG.warn(
          "Logging to run {} failed after the run ended or logging stopped; {} points not stored"
              + " ({}): {}",
          channel.runId(),
          points,
          keys,
          message);
    } else if (firstSinceFlush) {
      LOG.warn(
          "Logging to run {} failed for {}: {} ({}). The run's next flush() throws this error.",
          channel.runId(),
          keys,
          message,
          cause.getClass().getSimpleName());
    }
  }

  /** From now on failures are logged one by one: nobody may flush any more. */
  void stopping() {
    stopping = true;
  }

  /** Points of the current chunk not yet written or failed. */
  int inFlight() {
    return inFlight;
  }

  long pointsSent() {
    return pointsSent.get();
  }

  long batchesSent() {
    return batchesSent.get();
  }

  long pointsFailed() {
    return pointsFailed.get();
  }

  @Nullable String lastError() {
    return lastError;
  }

  private void send(RunChannel channel, LogBatch batch) {
    try {
      sink.write(batch);
      batchesSent.incrementAndGet();
      pointsSent.addAndGet(batch.points());
    } catch (Throwable e) {
      if (canIsolate(e, batch)) {
        isolate(channel, batch);
      } else {
        fail(channel, batch.points(), e, batch.describeKeys(MAX_KEYS_IN_MESSAGE));
      }
    } finally {
      inFlight -= batch.points();
      progress.completed(channel, batch.points());
    }
  }

  private static boolean canIsolate(Throwable e, LogBatch batch) {
    boolean rejected = e instanceof InvalidInputException || e instanceof AlreadyExistsException;
    return rejected && !batch.params().isEmpty() && batch.size() > 1;
  }

  private void isolate(RunChannel channel, LogBatch batch) {
    LogBatch rest = batch.withoutParams();
    if (rest.size() > 0) {
      try {
        sink.write(rest);
        batchesSent.incrementAndGet();
      } catch (Throwable e) {
        fail(channel, batch.points(), e, batch.describeKeys(MAX_KEYS_IN_MESSAGE));
        return;
      }
    }
    int failed = 0;
    for (Param param : batch.params()) {
      LogBatch one = LogBatch.of(batch.runId(), List.of(), List.of(param), List.of());
      try {
        sink.write(one);
        batchesSent.incrementAndGet();
      } catch (Throwable e) {
        failed++;
        fail(channel, 1, e, one.describeKeys(1));
      }
    }
    pointsSent.addAndGet(batch.points() - failed);
  }
}
