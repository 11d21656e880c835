package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.internal.mlmodel.SignatureCheck;
import dev.mlops.model.DataType;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Thread-safe. Owns the wrapped predictor: {@link #close()} finishes queued requests, stops the
 * workers and closes it.
 */
public final class BatchingPredictor implements Predictor {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingPredictor.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final Predictor delegate;
  private final Batching batching;
  private final ModelSignature signature;
  private final ArrayBlockingQueue<Request> queue;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
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
    this.queue = new ArrayBlockingQueue<>(batching.queueCapacity());
    int pool = POOLS.incrementAndGet();
    for (int i = 0; i < batching.workers(); i++) {
      Thread t = new Thread(this::work, "mlops-batcher-" + pool + "-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
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
    return queue.size();
  }

  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
    SignatureCheck.checkInputs(signature, inputs);
    Request r = new Request(inputs, rowsOf(inputs));
    if (stopping) {
      throw closedException();
    }
    if (!queue.offer(r)) {
      throw new PredictorOverloadedException(
          "The prediction queue is full ("
              + batching.queueCapacity()
              + " requests waiting): shed load or retry later, or raise Batching.queueCapacity.");
    }
    if (stopping && r.cancel()) {
      throw closedException();
    }
    try {
      return r.result.get(batching.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      r.cancel();
      throw new PredictionTimeoutException(
          "No result within "
              + batching.requestTimeout().toMillis()
              + " ms ("
              + queue.size()
              + " requests queued): the model is too slow for this load. Raise"
              + " Batching.requestTimeout, add workers or shed load.");
    } catch (InterruptedException e) {
      r.cancel();
      Thread.currentThread().interrupt();
      throw new MlopsException("Interrupted while waiting for a prediction.", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new MlopsException("Prediction failed: " + cause, cause);
    }
  }

  /** Finishes queued requests, stops the workers and closes the wrapped predictor. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping = true;
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
    Request r;
    while ((r = queue.poll()) != null) {
      if (r.start()) {
        r.result.completeExceptionally(closedException());
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

  // ---- the worker

  private void work() {
    Request carry = null; // a request that did not fit the last batch
    while (true) {
      Request first = carry;
      carry = null;
      try {
        if (first == null) {
          first = queue.poll(50, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (stopping && queue.isEmpty()) {
          return;
        }
        continue;
      }
      List<Request> batch = new ArrayList<>();
      batch.add(first);
      long rows = first.rows;
      long deadline = first.enqueued + batching.maxBatchDelay().toNanos();
      while (rows < batching.maxBatchSize()) {
        Request next;
        long wait = deadline - System.nanoTime();
        try {
          next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (next == null) {
          break;
        }
        if (rows + next.rows > batching.maxBatchSize()) {
          carry = next;
          break;
        }
        batch.add(next);
        rows += next.rows;
      }
      try {
        runBatch(batch);
      } catch (RuntimeException | Error e) {
        // Whatever escaped goes to the callers still waiting; the worker keeps serving.
        LOG.warn("A batch of {} requests failed: {}", batch.size(), e.toString());
        batch.forEach(r -> r.result.completeExceptionally(e));
      }
    }
  }

  private void runBatch(List<Request> batch) {
    Map<String, List<Request>> groups = new LinkedHashMap<>();
    for (Request r : batch) {
      if (r.start()) {
        groups.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
      }
    }
    for (List<Request> group : groups.values()) {
      if (group.size() == 1) {
        runAlone(group.get(0));
      } else {
        runTogether(group);
      }
    }
  }

  private void runAlone(Request r) {
    try {
      r.result.complete(delegate.predict(r.inputs));
    } catch (RuntimeException | Error e) {
      r.result.completeExceptionally(e);
    }
  }

  private void runTogether(List<Request> group) {
    Map<String, Tensor> out;
    try {
      out = delegate.predict(concat(group));
    } catch (RuntimeException e) {
      LOG.debug(
          "A batch of {} requests failed ({}); running them one by one",
          group.size(),
          e.toString());
      group.forEach(this::runAlone);
      return;
    }
    long total = group.stream().mapToLong(r -> r.rows).sum();
    for (Tensor t : out.values()) {
      if (t.rank() == 0 || t.dim(0) != total) {
        LOG.debug("Output {} is not batch-major; running {} requests one by one", t, group.size());
        group.forEach(this::runAlone);
        return;
      }
    }
    long offset = 0;
    for (Request r : group) {
      Map<String, Tensor> mine = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : out.entrySet()) {
        mine.put(e.getKey(), slice(e.getValue(), offset, r.rows, total));
      }
      offset += r.rows;
      r.result.complete(mine);
    }
  }

  // ---- tensors

  private Map<String, Tensor> concat(List<Request> group) {
    Map<String, Tensor> merged = new LinkedHashMap<>();
    long total = group.stream().mapToLong(r -> r.rows).sum();
    for (TensorSpec spec : signature.inputs()) {
      Tensor first = group.get(0).inputs.get(spec.name());
      long[] shape = first.shape();
      shape[0] = total;
      if (spec.type() == DataType.STRING) {
        List<String> all = new ArrayList<>();
        for (Request r : group) {
          all.addAll(Arrays.asList(r.inputs.get(spec.name()).toStringArray()));
        }
        merged.put(spec.name(), Tensor.of(all.toArray(String[]::new), shape));
      } else {
        long bytes = 0;
        for (Request r : group) {
          bytes += r.inputs.get(spec.name()).bytes().remaining();
        }
        ByteBuffer buf =
            ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        for (Request r : group) {
          buf.put(r.inputs.get(spec.name()).bytes());
        }
        buf.flip();
        merged.put(spec.name(), Tensor.wrap(spec.type(), buf, shape));
      }
    }
    return merged;
  }

  private static Tensor slice(Tensor t, long offset, long rows, long total) {
    long[] shape = t.shape();
    shape[0] = rows;
    if (t.type() == DataType.STRING) {
      String[] all = t.toStringArray();
      int per = (int) (all.length / total);
      return Tensor.of(
          Arrays.copyOfRange(all, (int) (offset * per), (int) ((offset + rows) * per)), shape);
    }
    ByteBuffer bytes = t.bytes();
    int per = (int) (bytes.remaining() / total);
    ByteBuffer part =
        bytes.slice((int) (offset * per), (int) (rows * per)).order(ByteOrder.nativeOrder());
    return Tensor.wrap(t.type(), part, shape);
  }

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

  /** One caller's request. */
  private static final class Request {
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;

    final Map<String, Tensor> inputs;
    final long rows;
    final long enqueued = System.nanoTime();
    final String key;
    final CompletableFuture<Map<String, Tensor>> result = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(QUEUED);

    Request(Map<String, Tensor> inputs, long rows) {
      this.inputs = inputs;
      this.rows = rows;
      this.key = shapeKey(inputs);
    }

    /** Claims the request for running; false when its caller gave up. */
    boolean start() {
      return state.compareAndSet(QUEUED, STARTED);
    }

    /** Withdraws the request; false when it already started. */
    boolean cancel() {
      return state.compareAndSet(QUEUED, CANCELLED);
    }

    private static String shapeKey(Map<String, Tensor> inputs) {
      StringBuilder sb = new StringBuilder();
      List<String> names = new ArrayList<>(inputs.keySet());
      names.sort(null);
      for (String n : names) {
        long[] s = inputs.get(n).shape();
        sb.append(n).append(Arrays.toString(Arrays.copyOfRange(s, 1, s.length))).append(';');
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return "Request[" + rows + " rows]";
    }
  }
}
