package dev.mlops.internal.logging;

import dev.mlops.BackendUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BatchSink} that retries writes failing with {@link BackendUnavailableException}
 * (outages, throttling, busy databases) as its {@link RetryPolicy} says, and passes every other
 * failure straight through: a rejected batch is not retried. Retrying is safe because backend
 * writes are idempotent (a metric point identical to a stored one is not stored again; a param with
 * the same value is accepted).
 *
 * <p>Retries go on until the write succeeds, fails permanently, or {@code stop} is released (the
 * engine is closing); then it throws {@link AbandonedWrite}. An outage is logged once when it
 * starts and once when it ends, not per retry. Called by the worker thread and, when the backend
 * allows several batches in flight, by the sender threads at once.
 */
final class RetryingSink implements BatchSink {

  private static final Logger LOG = LoggerFactory.getLogger(LoggingEngine.class);

  private final BatchSink delegate;
  private final RetryPolicy policy;
  private final CountDownLatch stop;
  private final EngineCounters counters;
  private volatile boolean inOutage; // written by concurrent senders: only steers log lines
  private final AtomicLong outageRetries = new AtomicLong();

  RetryingSink(
      BatchSink delegate, RetryPolicy policy, CountDownLatch stop, EngineCounters counters) {
    this.delegate = delegate;
    this.policy = policy;
    this.stop = stop;
    this.counters = counters;
  }

  @Override
  public void write(LogBatch batch) {
    int attempt = 0;
    while (true) {
      if (attempt > 0 && stop.getCount() == 0) {
        throw new AbandonedWrite(
            new BackendUnavailableException("the backend was unavailable at the last attempt"));
      }
      try {
        delegate.write(batch);
        if (inOutage) {
          LOG.info(
              "The tracking backend accepts writes again after {} retries; logging resumes.",
              outageRetries.getAndSet(0));
          inOutage = false;
        }
        return;
      } catch (AbandonedWrite e) {
        throw e;
      } catch (BackendUnavailableException e) {
        long delay = policy.delayNanos(attempt++, e.retryAfter().orElse(null));
        counters.retries.incrementAndGet();
        outageRetries.incrementAndGet();
        counters.error(
            "run "
                + batch.runId()
                + ": backend unavailable, retrying: "
                + RunFailures.causeMessage(e));
        if (!inOutage) {
          inOutage = true;
          LOG.warn(
              "The tracking backend is unavailable ({}); retrying with backoff, first in {} ms."
                  + " Logged points wait meanwhile.",
              RunFailures.causeMessage(e),
              TimeUnit.NANOSECONDS.toMillis(delay));
        }
        if (await(delay)) {
          throw new AbandonedWrite(e);
        }
      }
    }
  }

  /** Waits {@code nanos}; true when the engine stopped meanwhile. */
  private boolean await(long nanos) {
    try {
      return stop.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
