package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching: concurrent {@link #predict} calls are queued and run together as one batch of
 * up to {@link Batching#maxBatchSize()} rows, waiting at most {@link Batching#maxBatchDelay()} for
 * the batch to fill; each caller gets its own rows back. Made by {@link Predictors#load} when
 * {@link PredictorOptions.Builder#batching} is set, or directly around any predictor:
 *
 * <pre>{@code
 * try (BatchingPredictor p = new BatchingPredictor(onnx, Batching.of(64, Duration.ofMillis(2)))) {
 *   float[][] y = p.predict(rows);       // from many threads
 * }
 * }</pre>
 *
 * <p>Every input and output must be batch-major (first dimension variable). Requests are checked
 * against the signature in the caller, so a bad request fails alone. When the queue is full a call
 * fails at once with {@link PredictorOverloadedException}; a call that waits longer than {@link
 * Batching#requestTimeout()} fails with {@link PredictionTimeoutException} and is dropped if it has
 * not started. Requests whose non-batch dimensions differ run in separate batches. If a batch
 * fails, its requests are retried one by one so that each caller gets its own result or error.
 *
 * <p>When to wait: the delay only applies when a worker was idle. A worker that comes back from a
 * batch and finds requests queued runs them at once (up to {@code maxBatchSize} rows): they have
 * already waited for the previous batch, and while this one runs the next one forms. An idle worker
 * that gets a request waits, up to {@code maxBatchDelay} after that request arrived, for the batch
 * to fill, but only while some caller that was just answered has not yet returned from {@code
 * predict} (such callers usually come straight back with their next request): when nobody is on the
 * way, waiting cannot fill the batch, so it runs at once. A full batch never waits. One worker
 * collects a batch at a time, so with {@link Batching#workers()} above one the next batch is
 * collected while the previous one runs.
 *
 * <p>Thread-safe. Owns the wrapped predictor: {@link #close()} finishes queued requests, stops the
 * workers and closes it.
 */
public final class BatchingPredictor implements Predictor {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingPredictor.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** What the collecting worker waits for; callers wake it when they bring it. */
  private static final int WANTS_NOTHING = 0;

  private static final int WANTS_FIRST = 1;
  private static final int WANTS_FULL_BATCH = 2;

  private final Predictor delegate;
  private final Batching batching;
  private final ModelSignature signature;
  private final boolean anyTwoFit;
  private final ConcurrentLinkedQueue<BatchRequest> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedRequests = new AtomicInteger();
  private final AtomicLong queuedRows = new AtomicLong();
  private final AtomicInteger callers = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final ReentrantLock collecting = new ReentrantLock();
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Thread collector;
  private volatile int wants = WANTS_NOTHING;
  private volatile boolean stopping;

  /**
   * Batches calls to {@code delegate}, which this then owns.
   *
   * @throws InvalidInputException when an input or output of the model is not batch-major
   */
  public BatchingPredictor(Predictor delegate, Batching batching) {
    this.delegate = delegate;
    this.batching = batching;
    this.signature = delegate.signature();
    requireBatchMajor(signature.inputs(), "input");
    requireBatchMajor(signature.outputs(), "output");
    this.anyTwoFit = BatchTensors.fixedAfterBatch(signature.inputs());
    int pool = POOLS.incrementAndGet();
    for (int i = 0; i < batching.workers(); i++) {
      Thread t = new Thread(this::work, "mlops-batcher-" + pool + "-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
    workers.forEach(Thread::start);
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public String device() {
    return delegate.device();
  }

  /** The settings in force. */
  public Batching batching() {
    return batching;
  }

  /** Requests waiting to run. */
  public int queued() {
    return queuedRequests.get();
  }

  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
    InputCheck.check(signature, inputs);
    long rows = rowsOf(inputs);
    if (stopping) {
      throw closedException();
    }
    if (queuedRequests.incrementAndGet() > batching.queueCapacity()) {
      queuedRequests.decrementAndGet();
      throw new PredictorOverloadedException(
          "The prediction queue is full ("
              + batching.queueCapacity()
              + " requests waiting): shed load or retry later, or raise Batching.queueCapacity.");
    }
    BatchRequest r = new BatchRequest(inputs, rows);
    callers.incrementAndGet();
    try {
      queue.offer(r);
      long waiting = queuedRows.addAndGet(rows);
      int w = wants;
      if (w == WANTS_FIRST || (w == WANTS_FULL_BATCH && waiting >= batching.maxBatchSize())) {
        wakeCollector();
      }
      if (stopping && r.cancel()) {
        throw closedException();
      }
      return await(r);
    } finally {
      callers.decrementAndGet();
      if (wants == WANTS_FULL_BATCH && nobodyOnTheWay()) {
        wakeCollector();
      }
    }
  }

  /** Finishes queued requests, stops the workers and closes the wrapped predictor. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping = true;
    wakeCollector();
    boolean interrupted = false;
    for (Thread t : workers) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    BatchRequest r;
    while ((r = queue.poll()) != null) {
      if (r.start()) {
        r.fail(closedException());
      }
    }
    delegate.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BatchingPredictor[" + delegate + ", " + batching + "]";
  }

  private Map<String, Tensor> await(BatchRequest r) {
    Map<String, Tensor> out;
    try {
      out = r.await(batching.requestTimeout().toNanos());
    } catch (InterruptedException e) {
      r.cancel();
      Thread.currentThread().interrupt();
      throw new MlopsException("Interrupted while waiting for a prediction.", e);
    }
    if (out == null) {
      r.cancel();
      throw new PredictionTimeoutException(
          "No result within "
              + batching.requestTimeout().toMillis()
              + " ms ("
              + queuedRequests.get()
              + " requests queued): the model is too slow for this load. Raise"
              + " Batching.requestTimeout, add workers or shed load.");
    }
    return out;
  }

  // ---- the workers

  private void work() {
    List<BatchRequest> batch = new ArrayList<>();
    while (true) {
      long rows;
      collecting.lock();
      try {
        collector = Thread.currentThread();
        rows = collect(batch);
      } finally {
        collector = null;
        collecting.unlock();
      }
      if (rows < 0) {
        return;
      }
      try {
        runBatch(batch, rows);
      } catch (RuntimeException | Error e) {
        // Whatever escaped goes to the callers still waiting; the worker keeps serving.
        LOG.warn("A batch of {} requests failed: {}", batch.size(), e.toString());
        for (BatchRequest r : batch) {
          if (!r.done()) {
            deliver(r, e);
          }
        }
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Waits for requests and moves the next batch into {@code batch}.
   *
   * @return the batch's rows, or -1 when the predictor is closing and nothing is left
   */
  private long collect(List<BatchRequest> batch) {
    BatchRequest head = queue.peek();
    boolean wasIdle = head == null;
    if (wasIdle) {
      wants = WANTS_FIRST;
      while ((head = queue.peek()) == null) {
        if (stopping) {
          wants = WANTS_NOTHING;
          return -1;
        }
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
      }
      wants = WANTS_NOTHING;
    }
    if (wasIdle && !batching.maxBatchDelay().isZero()) {
      long deadline = head.enqueued + batching.maxBatchDelay().toNanos();
      wants = WANTS_FULL_BATCH;
      while (queuedRows.get() < batching.maxBatchSize() && !nobodyOnTheWay() && !stopping) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        LockSupport.parkNanos(this, left);
      }
      wants = WANTS_NOTHING;
    }
    long rows = 0;
    BatchRequest r;
    while (rows < batching.maxBatchSize() && (r = queue.peek()) != null) {
      if (!batch.isEmpty() && rows + r.rows > batching.maxBatchSize()) {
        break;
      }
      queue.poll();
      running.incrementAndGet();
      queuedRequests.decrementAndGet();
      queuedRows.addAndGet(-r.rows);
      if (r.start()) {
        batch.add(r);
        rows += r.rows;
      } else {
        running.decrementAndGet();
      }
    }
    return rows;
  }

  /** True when every caller inside {@code predict} is queued or running: nobody else is coming. */
  private boolean nobodyOnTheWay() {
    return callers.get() - queuedRequests.get() - running.get() <= 0;
  }

  private void wakeCollector() {
    Thread c = collector;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }

  private void runBatch(List<BatchRequest> batch, long rows) {
    if (batch.isEmpty()) {
      return;
    }
    if (batch.size() == 1) {
      runAlone(batch.get(0));
    } else if (anyTwoFit) {
      runTogether(batch, rows);
    } else {
      for (List<BatchRequest> group : groupsByShape(batch)) {
        if (group.size() == 1) {
          runAlone(group.get(0));
        } else {
          runTogether(group, group.stream().mapToLong(x -> x.rows).sum());
        }
      }
    }
  }

  private List<List<BatchRequest>> groupsByShape(List<BatchRequest> batch) {
    List<List<BatchRequest>> groups = new ArrayList<>();
    for (BatchRequest r : batch) {
      List<BatchRequest> home = null;
      for (List<BatchRequest> g : groups) {
        if (BatchTensors.compatible(signature.inputs(), g.get(0), r)) {
          home = g;
          break;
        }
      }
      if (home == null) {
        home = new ArrayList<>();
        groups.add(home);
      }
      home.add(r);
    }
    return groups;
  }

  private void runAlone(BatchRequest r) {
    Map<String, Tensor> out;
    try {
      out = delegate.predict(r.inputs);
    } catch (RuntimeException | Error e) {
      deliver(r, e);
      return;
    }
    deliver(r, out);
  }

  private void runTogether(List<BatchRequest> group, long rows) {
    Map<String, Tensor> out;
    try {
      out = delegate.predict(BatchTensors.concat(signature.inputs(), group, rows));
    } catch (RuntimeException e) {
      LOG.debug(
          "A batch of {} requests failed ({}); running them one by one",
          group.size(),
          e.toString());
      group.forEach(this::runAlone);
      return;
    }
    if (!BatchTensors.batchMajor(out, rows)) {
      LOG.debug("An output is not batch-major; running {} requests one by one", group.size());
      group.forEach(this::runAlone);
      return;
    }
    long offset = 0;
    for (BatchRequest r : group) {
      deliver(r, BatchTensors.rows(out, offset, r.rows, rows));
      offset += r.rows;
    }
  }

  /** Counts the request as no longer running, then wakes its caller with the outputs. */
  private void deliver(BatchRequest r, Map<String, Tensor> out) {
    running.decrementAndGet();
    r.complete(out);
  }

  private void deliver(BatchRequest r, Throwable error) {
    running.decrementAndGet();
    r.fail(error);
  }

  // ---- checks

  private static long rowsOf(Map<String, Tensor> inputs) {
    long rows = -1;
    String firstName = null;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      long n = e.getValue().dim(0);
      if (rows < 0) {
        rows = n;
        firstName = e.getKey();
      } else if (n != rows) {
        throw new InvalidInputException(
            "Inputs '"
                + firstName
                + "' and '"
                + e.getKey()
                + "' have "
                + rows
                + " and "
                + n
                + " rows: every input of one request needs the same number of rows.");
      }
    }
    return Math.max(rows, 0);
  }

  private static void requireBatchMajor(List<TensorSpec> specs, String kind) {
    for (TensorSpec s : specs) {
      if (s.rank() == 0 || s.shape().get(0) != -1) {
        throw new InvalidInputException(
            "Cannot batch this model: "
                + kind
                + " "
                + s
                + " does not have a variable first (batch) dimension. Export the model with a"
                + " dynamic batch axis, or load it without batching.");
      }
    }
  }

  private MlopsException closedException() {
    return new MlopsException("This batching predictor is closed: load the model again.");
  }
}
