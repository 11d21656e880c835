package dev.mlops.internal.logging;

import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import dev.mlops.spi.BatchLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes logged points in the background, in batches: the engine behind {@link
 * dev.mlops.ActiveRun}'s {@code log*} calls. One per {@link dev.mlops.Mlops}, shared by all its
 * runs.
 *
 * <pre>{@code
 * LoggingEngine engine = new LoggingEngine(BatchSink.of(backend), backend.batchLimits(), 100_000);
 * RunChannel run = engine.open(runId);
 * run.logMetric("loss", 0.25, System.currentTimeMillis(), 1);   // returns at once
 * run.flush();                                                  // written, or throws
 * engine.release(run);
 * int lost = engine.close(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>How it works: a logging call allocates one point and puts it on a bounded queue; when the
 * queue is full the caller waits (back-pressure, never loss). One daemon worker takes everything
 * queued at once, groups it by run, cuts it into batches within the backend's {@link BatchLimits}
 * and hands each to the {@link BatchSink} as soon as it is full or the queue is empty; it never
 * waits for a timer while points are queued. A failed write is recorded against its run only and
 * thrown by that run's next flush; other runs keep logging (see {@link BatchWriter} for how a
 * rejected param is told apart from the rest of its batch).
 *
 * <p>Thread-safe. Callers take no lock but the queue's own short one; no lock is held while the
 * sink writes. Close it to stop the worker thread.
 */
public final class LoggingEngine implements AutoCloseable {

  /** How long {@link #close()} waits for queued points. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(LoggingEngine.class);
  private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();
  private static final int MAX_CHUNK = 16_384;

  private final int capacity;
  private final int maxChunk;
  private final ArrayBlockingQueue<LogPoint> queue;
  private final Map<String, RunChannel> channels = new ConcurrentHashMap<>();
  private final LogPoint wake;
  private final Thread worker;

  private final ReentrantLock progressLock = new ReentrantLock();
  private final Condition progress = progressLock.newCondition();
  private volatile int waiters;

  private final Object closeLock = new Object();
  private volatile boolean closing;
  private volatile boolean stopped;

  private final BatchWriter writer;

  /**
   * Starts the engine and its worker thread.
   *
   * @param sink where batches go
   * @param limits the most one batch may carry
   * @param queueCapacity points buffered before logging calls wait
   */
  public LoggingEngine(BatchSink sink, BatchLimits limits, int queueCapacity) {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
    }
    this.capacity = queueCapacity;
    this.writer = new BatchWriter(sink, limits, this::complete);
    this.maxChunk = Math.min(queueCapacity, MAX_CHUNK);
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.wake = new LogPoint(new RunChannel(this, ""), LogPoint.WAKE, "", null, 0, 0, 0);
    this.worker = new Thread(this::work, "mlops-log-writer-" + WORKER_NUMBER.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
  }

  /** The channel for {@code runId}, opened on first use. */
  public RunChannel open(String runId) {
    if (closing) {
      throw new MlopsException(
          "Cannot log to run " + runId + ": logging has stopped because Mlops was closed.");
    }
    return channels.computeIfAbsent(runId, id -> new RunChannel(this, id));
  }

  /** The open channel for {@code runId}, if any. */
  public Optional<RunChannel> channel(String runId) {
    return Optional.ofNullable(channels.get(runId));
  }

  /**
   * Forgets a channel whose run has ended. Points still pending are written; failures nobody
   * flushed are logged as a warning.
   */
  public void release(RunChannel channel) {
    channels.remove(channel.runId(), channel);
    channel.released = true;
    String unreported = channel.failures.summary();
    if (!unreported.isEmpty()) {
      LOG.warn("{} (the run ended without a flush that reported this)", unreported);
    }
  }

  /**
   * Waits until every point logged to {@code runId} before this call is written and throws the
   * first failure since the last flush. Nothing to do for a run without a channel.
   */
  public void flush(String runId) {
    RunChannel channel = channels.get(runId);
    if (channel != null) {
      flush(channel, null);
    }
  }

  /**
   * Waits for every open run, then throws the first failure of any of them (later runs' failures
   * attached as suppressed).
   */
  public void flushAll() {
    List<RunChannel> open = new ArrayList<>(channels.values());
    long[] targets = targets(open);
    for (int i = 0; i < open.size(); i++) {
      await(open.get(i), targets[i], Long.MAX_VALUE);
    }
    MlopsException first = null;
    for (RunChannel channel : open) {
      MlopsException e = channel.failures.take();
      if (e == null) {
        continue;
      }
      if (first == null) {
        first = e;
      } else {
        first.addSuppressed(e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Waits up to {@code timeout} for every point logged to any open run before this call, without
   * throwing recorded failures.
   *
   * @return whether everything was written (or failed) in time
   */
  public boolean awaitAll(Duration timeout) {
    long deadline = deadline(timeout);
    List<RunChannel> open = new ArrayList<>(channels.values());
    long[] targets = targets(open);
    for (int i = 0; i < open.size(); i++) {
      if (!await(open.get(i), targets[i], deadline)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops accepting points, waits up to {@code timeout} for the queue to drain, then stops the
   * worker. Points still queued are dropped; a warning names how many were not written.
   *
   * @return how many logged points were not written: dropped from the queue, or still inside a
   *     write that had not returned
   */
  public int close(Duration timeout) {
    synchronized (closeLock) {
      if (closing) {
        return 0;
      }
      closing = true;
    }
    long deadline = deadline(timeout);
    boolean caughtUp = awaitAll(timeout);
    stopped = true;
    writer.stopping();
    int dropped = dropQueued();
    queue.offer(wake);
    int stuck = writer.inFlight();
    if (caughtUp) {
      join(deadline);
    }
    int lost = dropped + stuck;
    if (lost > 0) {
      LOG.warn(
          "Logging stopped after waiting {} ms: {} logged points were not written ({} still queued,"
              + " {} inside a write that had not returned). The backend did not keep up or did not"
              + " answer.",
          timeout.toMillis(),
          lost,
          dropped,
          stuck);
    }
    for (RunChannel channel : channels.values()) {
      String unreported = channel.failures.summary();
      if (!unreported.isEmpty()) {
        LOG.warn("{} (logging stopped before a flush reported this)", unreported);
      }
    }
    return lost;
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closing;
  }

  /** A snapshot of the counters. */
  public LoggingStats stats() {
    return new LoggingStats(
        queue.size(),
        capacity,
        writer.pointsSent(),
        writer.batchesSent(),
        writer.pointsFailed(),
        writer.lastError());
  }

  // ---- callers

  void enqueue(LogPoint p) {
    if (closing) {
      throw closed(p);
    }
    p.run.accepted.increment();
    if (!queue.offer(p)) {
      try {
        queue.put(p);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        complete(p.run, 1);
        throw new MlopsException(
            "Interrupted while waiting for room in the logging queue ("
                + capacity
                + " points): the "
                + p.kindName()
                + " '"
                + p.key
                + "' for run "
                + p.run.runId()
                + " was not logged.",
            e);
      }
    }
    if (stopped && queue.remove(p)) {
      complete(p.run, 1);
      throw closed(p);
    }
  }

  void flush(RunChannel channel, @Nullable Duration timeout) {
    long target = channel.accepted.sum();
    if (timeout == null) {
      await(channel, target, Long.MAX_VALUE);
    } else if (!await(channel, target, deadline(timeout))) {
      throw new BackendUnavailableException(
          "Run "
              + channel.runId()
              + ": "
              + (target - channel.completed.get())
              + " logged points were still waiting to be written after "
              + timeout.toMillis()
              + " ms. The backend is slow or unreachable; check it, then flush again.");
    }
    MlopsException failure = channel.failures.take();
    if (failure != null) {
      throw failure;
    }
  }

  private static MlopsException closed(LogPoint p) {
    return new MlopsException(
        "Cannot log "
            + p.kindName()
            + " '"
            + p.key
            + "' to run "
            + p.run.runId()
            + ": logging has stopped because Mlops was closed. Open a new Mlops to keep logging.");
  }

  private boolean await(RunChannel channel, long target, long deadlineNanos) {
    if (channel.completed.get() >= target) {
      return true;
    }
    progressLock.lock();
    waiters++;
    try {
      while (channel.completed.get() < target) {
        if (deadlineNanos == Long.MAX_VALUE) {
          progress.await();
        } else {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          progress.awaitNanos(left);
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlopsException(
          "Interrupted while waiting for run "
              + channel.runId()
              + "'s logged points to be written; they are still queued.",
          e);
    } finally {
      waiters--;
      progressLock.unlock();
    }
  }

  private static long[] targets(List<RunChannel> open) {
    long[] targets = new long[open.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = open.get(i).accepted.sum();
    }
    return targets;
  }

  private static long deadline(Duration timeout) {
    long now = System.nanoTime();
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE - 1;
    }
    long d = now + nanos;
    return d < now || d == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : d;
  }

  private int dropQueued() {
    List<LogPoint> left = new ArrayList<>();
    queue.drainTo(left);
    Map<RunChannel, Integer> perRun = new IdentityHashMap<>();
    for (LogPoint p : left) {
      if (p.kind != LogPoint.WAKE) {
        perRun.merge(p.run, 1, Integer::sum);
      }
    }
    int dropped = 0;
    for (Map.Entry<RunChannel, Integer> e : perRun.entrySet()) {
      int n = e.getValue();
      dropped += n;
      writer.fail(
          e.getKey(),
          n,
          new MlopsException("logging stopped when Mlops was closed, before they were written"),
          "points still queued at close");
      complete(e.getKey(), n);
    }
    return dropped;
  }

  private void join(long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      return;
    }
    try {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the worker

  private void work() {
    List<LogPoint> chunk = new ArrayList<>(maxChunk);
    while (!stopped) {
      LogPoint first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        continue;
      }
      chunk.add(first);
      queue.drainTo(chunk, maxChunk - 1);
      try {
        writer.write(chunk);
      } catch (RuntimeException e) {
        LOG.error("The logging worker hit an unexpected error; it keeps running", e);
      }
      chunk.clear();
    }
  }

  private void complete(RunChannel channel, int points) {
    channel.completed.addAndGet(points);
    if (waiters > 0) {
      progressLock.lock();
      try {
        progress.signalAll();
      } finally {
        progressLock.unlock();
      }
    }
  }
}
