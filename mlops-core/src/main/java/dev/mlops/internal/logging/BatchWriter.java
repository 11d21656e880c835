package dev.mlops.internal.logging;

import dev.mlops.AlreadyExistsException;
import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.LoggingError;
import dev.mlops.MlopsException;
import dev.mlops.Param;
import dev.mlops.spi.BatchLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a {@link LoggingEngine}: turns a chunk of points into per-run batches within
 * the backend's {@link BatchLimits}, writes each to the {@link BatchSink} as soon as it is full,
 * and records per run what was written and what failed. Every failure is also handed to the error
 * listener as a {@link LoggingError}.
 *
 * <p>When a batch with params is rejected as invalid, it writes the batch's metrics and tags alone
 * and then each param alone, so that only the offending params are lost and the error names them.
 * Writes are idempotent, so repeating part of a batch is safe.
 *
 * <p>When the sink gives up because the engine stops during an outage ({@link AbandonedWrite}), the
 * rest of the chunk is not attempted: points from the journal stay there for a later replay, points
 * from the in-memory queue are reported as not stored.
 *
 * <p>When the backend allows several batches in flight ({@link BatchLimits#maxInFlight()}), batches
 * without tags are written concurrently by a small pool, and their results are handled on the
 * worker thread in the order they were sent; a batch with tags first waits for every batch before
 * it, so the last value set wins. {@link #write} returns only when every batch of its chunk is
 * done.
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
  private static final int MAX_KEYS_IN_ERROR = 100;

  private final BatchSink sink;
  private final BatchLimits limits;
  private final Progress progress;
  private final EngineCounters counters;
  private final Consumer<LoggingError> errors;
  private final List<RunChannel> active = new ArrayList<>();
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final @Nullable ExecutorService senders;

  /** A batch handed to {@link #senders}, and the failure its write ended with (null: written). */
  private record InFlight(RunChannel channel, LogBatch batch, Future<@Nullable Throwable> result) {}

  private volatile boolean stopping;
  private boolean journaled;
  private boolean abandoned;
  private long leftInJournal;

  BatchWriter(
      BatchSink sink,
      BatchLimits limits,
      Progress progress,
      EngineCounters counters,
      Consumer<LoggingError> errors) {
    this.sink = sink;
    this.limits = limits;
    this.progress = progress;
    this.counters = counters;
    this.errors = errors;
    this.senders = limits.maxInFlight() > 1 ? senderPool(limits.maxInFlight()) : null;
  }

  private static ExecutorService senderPool(int threads) {
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "mlops-log-sender-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true); // idle senders exit: nothing to close
    return pool;
  }

  /**
   * Writes every point of {@code chunk}, grouped by run, in the order each run logged them.
   *
   * @param fromJournal whether the points are also in a journal (then an abandoned write leaves
   *     them there rather than losing them)
   * @return false when the engine stopped during an outage before the whole chunk was written
   */
  boolean write(List<LogPoint> chunk, boolean fromJournal) {
    journaled = fromJournal;
    abandoned = false;
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
      while (!inFlight.isEmpty()) {
        completeOldest();
      }
      for (int i = 0; i < active.size(); i++) {
        active.get(i).builder = null;
      }
      active.clear();
    }
    return !abandoned;
  }

  /** Records that {@code points} of {@code channel} were not stored, for its next flush. */
  void fail(RunChannel channel, int points, Throwable cause, List<String> keys, String described) {
    counters.pointsFailed.addAndGet(points);
    String message = RunFailures.causeMessage(cause);
    counters.error("run " + channel.runId() + ", " + described + ": " + message);
    boolean firstSinceFlush = channel.failures.isEmpty();
    channel.failures.record(cause, described, points);
    if (channel.released || stopping) {
      LOG.warn(
          "Logging to run {} failed after the run ended or logging stopped; {} points not stored"
              + " ({}): {}",
          channel.runId(),
          points,
          described,
          message);
    } else if (firstSinceFlush) {
      LOG.warn(
          "Logging to run {} failed for {}: {} ({}). The run's next flush() throws this error.",
          channel.runId(),
          described,
          message,
          cause.getClass().getSimpleName());
    }
    tell(channel.runId(), keys, points, cause, described);
  }

  private void tell(
      String runId, List<String> keys, int points, Throwable cause, String described) {
    MlopsException error =
        RunFailures.wrap(
            cause,
            "Logging to run "
                + runId
                + " failed for "
                + described
                + ": "
                + points
                + (points == 1 ? " point was" : " points were")
                + " not stored: "
                + RunFailures.causeMessage(cause));
    try {
      errors.accept(new LoggingError(runId, keys, points, error));
    } catch (RuntimeException e) {
      LOG.warn("The logging error listener threw; ignored", e);
    }
  }

  /** From now on failures are logged one by one: nobody may flush any more. */
  void stopping() {
    stopping = true;
  }

  /** Points that stayed in a journal because logging stopped during an outage. */
  long leftInJournal() {
    return leftInJournal;
  }

  private void send(RunChannel channel, LogBatch batch) {
    ExecutorService pool = senders;
    if (pool != null && !abandoned && batch.tags().isEmpty()) {
      if (inFlight.size() >= limits.maxInFlight()) {
        completeOldest();
      }
      inFlight.add(new InFlight(channel, batch, pool.submit(() -> attempt(batch))));
      return;
    }
    while (!inFlight.isEmpty()) {
      completeOldest(); // tags wait for everything sent before them
    }
    handle(channel, batch, abandoned ? null : attempt(batch), abandoned);
  }

  private void completeOldest() {
    InFlight sent = inFlight.remove();
    handle(sent.channel(), sent.batch(), await(sent.result()), false);
  }

  private static @Nullable Throwable await(Future<@Nullable Throwable> result) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true; // the write is under way; its outcome must still be recorded
        } catch (ExecutionException e) {
          return e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Records the outcome of writing {@code batch}: {@code e} is its failure, null when written. */
  private void handle(
      RunChannel channel, LogBatch batch, @Nullable Throwable e, boolean skippedAsAbandoned) {
    try {
      if (skippedAsAbandoned) {
        abandon(channel, batch, null);
        return;
      }
      if (e == null) {
        counters.pointsSent.addAndGet(batch.points());
      } else if (e instanceof AbandonedWrite a) {
        abandon(channel, batch, a);
      } else if (canIsolate(e, batch)) {
        isolate(channel, batch);
      } else {
        fail(channel, batch.points(), e, keys(batch), batch.describeKeys(MAX_KEYS_IN_MESSAGE));
      }
    } finally {
      progress.completed(channel, batch.points());
    }
  }

  /** Writes {@code batch}; the failure, or null when it was written. */
  private @Nullable Throwable attempt(LogBatch batch) {
    try {
      sink.write(batch);
      counters.batchesSent.incrementAndGet();
      return null;
    } catch (Throwable e) {
      if (e instanceof Error && !(e instanceof AssertionError)) {
        LOG.error("Writing a batch of run {} failed with an error", batch.runId(), e);
      }
      return e;
    }
  }

  private void abandon(RunChannel channel, LogBatch batch, @Nullable AbandonedWrite cause) {
    abandoned = true;
    if (journaled) {
      leftInJournal += batch.points();
      return;
    }
    AbandonedWrite e =
        cause != null
            ? cause
            : new AbandonedWrite(new BackendUnavailableException("the backend was unavailable"));
    fail(channel, batch.points(), e, keys(batch), batch.describeKeys(MAX_KEYS_IN_MESSAGE));
  }

  private static boolean canIsolate(Throwable e, LogBatch batch) {
    boolean rejected = e instanceof InvalidInputException || e instanceof AlreadyExistsException;
    return rejected && !batch.params().isEmpty() && batch.size() > 1;
  }

  private void isolate(RunChannel channel, LogBatch batch) {
    LogBatch rest = batch.withoutParams();
    if (rest.size() > 0) {
      Throwable e = attempt(rest);
      if (e instanceof AbandonedWrite a) {
        abandon(channel, batch, a);
        return;
      }
      if (e != null) {
        fail(channel, batch.points(), e, keys(batch), batch.describeKeys(MAX_KEYS_IN_MESSAGE));
        return;
      }
    }
    int notWritten = 0;
    for (Param param : batch.params()) {
      LogBatch one = LogBatch.of(batch.runId(), List.of(), List.of(param), List.of());
      Throwable e = abandoned ? null : attempt(one);
      if (abandoned || e instanceof AbandonedWrite) {
        notWritten++;
        abandon(channel, one, e instanceof AbandonedWrite a ? a : null);
      } else if (e != null) {
        notWritten++;
        fail(channel, 1, e, keys(one), one.describeKeys(1));
      }
    }
    counters.pointsSent.addAndGet(batch.points() - notWritten);
  }

  private static List<String> keys(LogBatch batch) {
    return batch.keyNames(MAX_KEYS_IN_ERROR);
  }
}
