package dev.mlops.internal.logging;

import dev.mlops.MlopsException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The way into a {@link LoggingEngine} for one run: its {@code log*} methods put one point on the
 * engine's queue and return; {@link #flush()} waits until everything logged through this channel
 * before the call is written, then throws the first failure since the last flush.
 *
 * <p>Get one with {@link LoggingEngine#open(String)}; give it back with {@link
 * LoggingEngine#release(RunChannel)} when the run ends. Arguments must already be validated: the
 * channel checks nothing. Thread-safe.
 */
public final class RunChannel {

  private final LoggingEngine engine;
  private final String runId;

  /** The run's index in the engine's journal; -1 without one. */
  final int journalIndex;

  /** Points handed to the queue (counted before the hand-over, so a flush never misses one). */
  final LongAdder accepted = new LongAdder();

  /** Points the worker is done with: written, failed, or dropped at close. */
  final AtomicLong completed = new AtomicLong();

  final RunFailures failures;

  /** This run's batch in the making; touched by the worker thread only. */
  @Nullable BatchBuilder builder;

  volatile boolean released;

  /** Whether this channel sends points replayed from an earlier engine's journal. */
  volatile boolean replay;

  RunChannel(LoggingEngine engine, String runId, int journalIndex) {
    this.engine = engine;
    this.runId = runId;
    this.journalIndex = journalIndex;
    this.failures = new RunFailures(runId);
  }

  /** The run this channel logs to. */
  public String runId() {
    return runId;
  }

  /**
   * Queues a metric point: in BLOCK mode waits only when the queue is full; in SPILL mode appends
   * it to the journal and never waits.
   */
  public void logMetric(String key, double value, long timestampMillis, long step) {
    engine.log(this, LogPoint.METRIC, key, null, value, timestampMillis, step);
  }

  /** Queues a param. */
  public void logParam(String key, String value) {
    engine.log(this, LogPoint.PARAM, key, value, 0, 0, 0);
  }

  /** Queues a tag. */
  public void setTag(String key, String value) {
    engine.log(this, LogPoint.TAG, key, value, 0, 0, 0);
  }

  /**
   * Waits, without a time limit, until every point logged here before this call is written.
   *
   * @throws MlopsException the first write failure since the last flush, of the backend's exception
   *     type, naming this run and the keys
   */
  public void flush() {
    engine.flush(this, null);
  }

  /**
   * Like {@link #flush()}, but gives up after {@code timeout}.
   *
   * @throws dev.mlops.BackendUnavailableException when points are still pending after {@code
   *     timeout}
   */
  public void flush(Duration timeout) {
    engine.flush(this, timeout);
  }

  /** Points logged here that the worker has not finished with yet. */
  public long pending() {
    return Math.max(0, accepted.sum() - completed.get());
  }

  @Override
  public String toString() {
    return "RunChannel[" + runId + ", pending=" + pending() + "]";
  }
}
