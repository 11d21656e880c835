package dev.mlops.serving;

import dev.mlops.MlopsException;
import dev.mlops.model.Tensor;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One caller's request waiting in a {@link BatchingPredictor}: its inputs, and the slot its result
 * or error is delivered to. The caller parks until the slot is filled; the worker fills it and
 * unparks exactly that caller, so completing a request costs one volatile write and one unpark.
 */
final class BatchRequest {

  private static final int QUEUED = 0;
  private static final int STARTED = 1;
  private static final int CANCELLED = 2;

  private static final AtomicIntegerFieldUpdater<BatchRequest> STATE =
      AtomicIntegerFieldUpdater.newUpdater(BatchRequest.class, "state");

  final Map<String, Tensor> inputs;
  final long rows;
  final long enqueued = System.nanoTime();
  private final Thread caller = Thread.currentThread();
  private volatile int state = QUEUED;
  private volatile @Nullable Object outcome;

  BatchRequest(Map<String, Tensor> inputs, long rows) {
    this.inputs = inputs;
    this.rows = rows;
  }

  /** Claims the request for running; false when its caller gave up. */
  boolean start() {
    return STATE.compareAndSet(this, QUEUED, STARTED);
  }

  /** Withdraws the request; false when it already started. */
  boolean cancel() {
    return STATE.compareAndSet(this, QUEUED, CANCELLED);
  }

  /** True once an outcome was delivered. */
  boolean done() {
    return outcome != null;
  }

  /** Delivers the outputs and wakes the caller. */
  void complete(Map<String, Tensor> outputs) {
    outcome = outputs;
    LockSupport.unpark(caller);
  }

  /** Delivers a failure and wakes the caller. */
  void fail(Throwable error) {
    outcome = new Failure(error);
    LockSupport.unpark(caller);
  }

  /**
   * Parks the calling thread until the outcome is in or {@code timeoutNanos} passed.
   *
   * @return the outputs, or null on timeout
   * @throws InterruptedException when the caller is interrupted first
   */
  @Nullable Map<String, Tensor> await(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    Object o;
    while ((o = outcome) == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    if (o instanceof Failure f) {
      throw rethrow(f.error());
    }
    @SuppressWarnings("unchecked")
    Map<String, Tensor> outputs = (Map<String, Tensor>) o;
    return outputs;
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new MlopsException("Prediction failed: " + t, t);
  }

  @Override
  public String toString() {
    return "BatchRequest[" + rows + " rows]";
  }

  private record Failure(Throwable error) {}
}
