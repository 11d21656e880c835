package dev.mlops.internal.logging;

import dev.mlops.BackendUnavailableException;
import dev.mlops.Backpressure;
import dev.mlops.LoggingStats;
import dev.mlops.MlopsException;
import dev.mlops.spi.BatchLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * LoggingEngine engine = new LoggingEngine(BatchSink.of(backend), backend.batchLimits(), options);
 * RunChannel run = engine.open(runId);
 * run.logMetric("loss", 0.25, System.currentTimeMillis(), 1);   // returns at once
 * run.flush();                                                  // written, or throws
 * engine.release(run);
 * int lost = engine.close(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>How it works. {@link Backpressure#BLOCK}: a logging call allocates one point and puts it on a
 * bounded queue; when the queue is full the caller waits. {@link Backpressure#SPILL}: a logging
 * call appends the point to a memory-mapped {@link Journal} (no allocation, no system call) and
 * never waits; the journal is the queue. Either way one daemon worker takes everything available at
 * once, groups it by run, cuts it into batches within the backend's {@link BatchLimits} and hands
 * each to the sink as soon as it is full or nothing more is waiting; it never waits for a timer
 * while points are pending. The sink retries transient failures ({@link
 * dev.mlops.BackendUnavailableException}) with backoff ({@link RetryingSink}). A permanent failure
 * is recorded against its run only, thrown by that run's next flush, and told to the error
 * listener; other runs keep logging (see {@link BatchWriter}).
 *
 * <p>Before anything else the worker replays journals that earlier engines on the same store left
 * behind ({@link JournalReplay}), in either mode.
 *
 * <p>Closing waits up to its timeout for pending points, then stops: in BLOCK mode what is left is
 * lost and counted; in SPILL mode it stays in the journal for the next engine. A JVM shutdown hook
 * does the same when the engine was never closed.
 *
 * <p>Thread-safe. Callers take no lock but the queue's own short one (BLOCK) or none (SPILL); no
 * lock is held while the sink writes.
 */
public final class LoggingEngine implements AutoCloseable {

  /** How long {@link #close()} waits for queued points. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(LoggingEngine.class);
  private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();
  private static final int MAX_CHUNK = 16_384;

  private final LoggingOptions options;
  private final int capacity;
  private final int maxChunk;
  private final @Nullable ArrayBlockingQueue<LogPoint> queue;
  private final @Nullable Journal journal;
  private final List<JournalReplay> replays;
  private final Map<String, RunChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, RunChannel> replayChannels = new ConcurrentHashMap<>();
  private volatile @Nullable RunChannel[] byIndex = new RunChannel[16];
  private final LogPoint wake;
  private final Thread worker;
  private final @Nullable Thread shutdownHook;

  private final ReentrantLock progressLock = new ReentrantLock();
  private final Condition progress = progressLock.newCondition();
  private volatile int waiters;
  private volatile boolean replaying;

  private final Object closeLock = new Object();
  private final CountDownLatch closeDone = new CountDownLatch(1);
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile boolean stopped;
  private volatile boolean inShutdownHook;

  private final LongAdder accepted = new LongAdder();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong taken = new AtomicLong();
  private final EngineCounters counters = new EngineCounters();
  private final BatchWriter writer;

  /** A BLOCK engine without journal or shutdown hook, retrying transient failures by default. */
  public LoggingEngine(BatchSink sink, BatchLimits limits, int queueCapacity) {
    this(sink, limits, LoggingOptions.defaults(queueCapacity));
  }

  /**
   * Starts the engine and its worker thread; in SPILL mode creates its journal, and in either mode
   * finds journals left by earlier engines on the same store, to replay them first.
   *
   * @throws MlopsException when the SPILL journal cannot be created
   */
  public LoggingEngine(BatchSink sink, BatchLimits limits, LoggingOptions options) {
    this.options = options;
    this.capacity = options.queueCapacity();
    this.maxChunk = Math.min(capacity, MAX_CHUNK);
    this.writer =
        new BatchWriter(
            new RetryingSink(sink, options.retry(), stop, counters),
            limits,
            this::complete,
            counters,
            options.errors());
    Path dir = options.journalDir();
    if (options.backpressure() == Backpressure.SPILL && dir != null) {
      this.queue = null;
      try {
        this.journal = Journal.create(dir, options.segmentBytes(), options.journalMaxBytes());
      } catch (IOException | RuntimeException e) {
        throw new MlopsException(
            "Cannot create the logging journal under "
                + dir
                + " ("
                + e.getMessage()
                + "). Make the directory writable, point mlops.log.journal.dir elsewhere, or use"
                + " Backpressure.BLOCK.",
            e);
      }
    } else {
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.journal = null;
    }
    this.replays = findReplays(dir);
    this.replaying = !replays.isEmpty();
    this.wake = new LogPoint(new RunChannel(this, "", -1), LogPoint.WAKE, "", null, 0, 0, 0);
    this.worker = new Thread(this::work, "mlops-log-writer-" + WORKER_NUMBER.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
    this.shutdownHook = registerShutdownHook(options.shutdownHookTimeout());
  }

  private static List<JournalReplay> findReplays(@Nullable Path dir) {
    if (dir == null) {
      return List.of();
    }
    try {
      return JournalReplay.findStopped(dir);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot look for logging journals to replay in {}: {}", dir, e.toString());
      return List.of();
    }
  }

  private @Nullable Thread registerShutdownHook(@Nullable Duration timeout) {
    if (timeout == null) {
      return null;
    }
    Thread hook =
        new Thread(
            () -> {
              inShutdownHook = true;
              close(timeout);
            },
            "mlops-log-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return hook;
    } catch (IllegalStateException e) {
      return null; // the JVM is already shutting down
    }
  }

  /** The backpressure mode in force. */
  public Backpressure backpressure() {
    return journal != null ? Backpressure.SPILL : Backpressure.BLOCK;
  }

  /** The directory of this engine's own journal, if it has one (SPILL). */
  public Optional<Path> journalDirectory() {
    Journal j = journal;
    return j == null ? Optional.empty() : Optional.of(j.dir());
  }

  /** The channel for {@code runId}, opened on first use. */
  public RunChannel open(String runId) {
    if (closing) {
      throw new MlopsException(
          "Cannot log to run " + runId + ": logging has stopped because Mlops was closed.");
    }
    return channels.computeIfAbsent(runId, this::newChannel);
  }

  private RunChannel newChannel(String runId) {
    Journal j = journal;
    if (j == null) {
      return new RunChannel(this, runId, -1);
    }
    synchronized (this) {
      int index = j.register(runId);
      RunChannel channel = new RunChannel(this, runId, index);
      RunChannel[] table = byIndex;
      if (index >= table.length) {
        table = Arrays.copyOf(table, Math.max(index + 1, table.length * 2));
      } else {
        table = table.clone();
      }
      table[index] = channel;
      byIndex = table;
      return channel;
    }
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
    forgetIfDone(channel);
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
    syncJournal();
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
   * Waits up to {@code timeout} for every point logged to any open run before this call, and for
   * the replay of earlier journals, without throwing recorded failures.
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
    return awaitReplay(deadline);
  }

  /**
   * Stops accepting points, waits up to {@code timeout} for pending ones, then stops the worker.
   * BLOCK: points still queued are dropped, and a warning says how many. SPILL: points not yet
   * written stay in the journal, which the next engine on the same store replays; the journal
   * directory is deleted when everything was written. A second call waits for the first to finish.
   *
   * @return how many logged points were not written and are not in a journal either
   */
  public int close(Duration timeout) {
    synchronized (closeLock) {
      if (closing) {
        awaitClosed(timeout);
        return 0;
      }
      closing = true;
    }
    try {
      return doClose(timeout);
    } finally {
      closeDone.countDown();
    }
  }

  private int doClose(Duration timeout) {
    removeShutdownHook();
    long deadline = deadline(timeout);
    boolean caughtUp = awaitAll(timeout);
    stopped = true;
    writer.stopping();
    // Counted before the worker is told to give up: once told, it fails the points of the write
    // it is retrying and marks them done, and they would be missing from both counts below.
    long pending = Math.max(0, accepted.sum() - completed.get());
    stop.countDown();
    Journal j = journal;
    int lost;
    if (j != null) {
      j.wake();
      if (caughtUp) {
        join(deadline);
      }
      lost = 0;
      long left = Math.max(0, accepted.sum() - completed.get()) + writer.leftInJournal();
      boolean deleted = j.close(!worker.isAlive() && left == 0);
      if (!deleted && left > 0) {
        LOG.warn(
            "Logging stopped after waiting {} ms with {} logged points not yet written; they are"
                + " kept in the journal {} and the next Mlops opened on this tracking store"
                + " writes them.",
            timeout.toMillis(),
            left,
            j.dir());
      }
    } else {
      ArrayBlockingQueue<LogPoint> q = queue;
      int dropped = q == null ? 0 : dropQueued(q);
      if (q != null) {
        q.offer(wake);
      }
      int stuck = (int) Math.min(Integer.MAX_VALUE, Math.max(0, pending - dropped));
      if (caughtUp) {
        join(deadline);
      }
      if (q != null && !worker.isAlive()) {
        q.remove(wake); // a worker that stopped before taking it leaves it; stats count the queue
      }
      lost = dropped + stuck;
      if (lost > 0) {
        LOG.warn(
            "Logging stopped after waiting {} ms: {} logged points were not written ({} still"
                + " queued, {} inside a write that had not returned). The backend did not keep up"
                + " or did not answer; use Backpressure.SPILL to keep such points in a local"
                + " journal.",
            timeout.toMillis(),
            lost,
            dropped,
            stuck);
      }
    }
    for (RunChannel channel : channels.values()) {
      String unreported = channel.failures.summary();
      if (!unreported.isEmpty()) {
        LOG.warn("{} (logging stopped before a flush reported this)", unreported);
      }
    }
    return lost;
  }

  private void awaitClosed(Duration timeout) {
    try {
      closeDone.await(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ArithmeticException e) {
      try {
        closeDone.await();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook == null || inShutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down; the hook may be running this very close.
    }
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
    Journal j = journal;
    ArrayBlockingQueue<LogPoint> q = queue;
    long depth = j != null ? Math.max(0, accepted.sum() - taken.get()) : q == null ? 0 : q.size();
    long journalBytes = j == null ? 0 : j.pendingBytes();
    if (replaying) {
      for (JournalReplay r : replays) {
        journalBytes += r.remainingBytes();
      }
    }
    return new LoggingStats(
        backpressure(),
        depth,
        capacity,
        counters.pointsSent.get(),
        counters.batchesSent.get(),
        counters.pointsFailed.get(),
        counters.retries.get(),
        journalBytes,
        counters.lastError());
  }

  // ---- callers

  void log(
      RunChannel channel,
      byte kind,
      String key,
      @Nullable String text,
      double value,
      long timestamp,
      long step) {
    Journal j = journal;
    if (j == null) {
      enqueue(new LogPoint(channel, kind, key, text, value, timestamp, step));
      return;
    }
    if (closing) {
      throw closed(kind, key, channel);
    }
    channel.accepted.increment();
    accepted.increment();
    try {
      j.append(channel.journalIndex, kind, key, text, value, timestamp, step);
    } catch (RuntimeException e) {
      taken.incrementAndGet();
      complete(channel, 1);
      throw e;
    }
    if (stopped) {
      throw closed(kind, key, channel);
    }
  }

  private void enqueue(LogPoint p) {
    if (closing) {
      throw closed(p.kind, p.key, p.run);
    }
    ArrayBlockingQueue<LogPoint> q = queue;
    if (q == null) {
      throw new IllegalStateException("no queue in SPILL mode");
    }
    p.run.accepted.increment();
    accepted.increment();
    if (!q.offer(p)) {
      try {
        q.put(p);
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
    if (stopped && q.remove(p)) {
      complete(p.run, 1);
      throw closed(p.kind, p.key, p.run);
    }
  }

  void flush(RunChannel channel, @Nullable Duration timeout) {
    syncJournal();
    long target = channel.accepted.sum();
    if (timeout == null) {
      await(channel, target, Long.MAX_VALUE);
    } else if (!await(channel, target, deadline(timeout))) {
      Journal j = journal;
      throw new BackendUnavailableException(
          "Run "
              + channel.runId()
              + ": "
              + (target - channel.completed.get())
              + " logged points were still waiting to be written after "
              + timeout.toMillis()
              + " ms. The backend is slow or unreachable; "
              + (j == null
                  ? "check it, then flush again."
                  : "they are safe in the journal "
                      + j.dir()
                      + " and are written when it is back."));
    }
    MlopsException failure = channel.failures.take();
    if (failure != null) {
      throw failure;
    }
  }

  private void syncJournal() {
    Journal j = journal;
    if (j != null) {
      j.sync();
    }
  }

  private static MlopsException closed(byte kind, String key, RunChannel run) {
    return new MlopsException(
        "Cannot log "
            + LogPoint.kindName(kind)
            + " '"
            + key
            + "' to run "
            + run.runId()
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
        if (!awaitProgress(deadlineNanos)) {
          return false;
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

  private boolean awaitReplay(long deadlineNanos) {
    if (!replaying) {
      return true;
    }
    progressLock.lock();
    waiters++;
    try {
      while (replaying) {
        if (!awaitProgress(deadlineNanos)) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiters--;
      progressLock.unlock();
    }
  }

  /** Waits for a progress signal; false when the deadline passed. Holds {@code progressLock}. */
  private boolean awaitProgress(long deadlineNanos) throws InterruptedException {
    if (deadlineNanos == Long.MAX_VALUE) {
      progress.await();
      return true;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    progress.awaitNanos(left);
    return true;
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

  private int dropQueued(ArrayBlockingQueue<LogPoint> q) {
    List<LogPoint> left = new ArrayList<>();
    q.drainTo(left);
    Map<RunChannel, List<LogPoint>> perRun = new IdentityHashMap<>();
    for (LogPoint p : left) {
      if (p.kind != LogPoint.WAKE) {
        perRun.computeIfAbsent(p.run, r -> new ArrayList<>()).add(p);
      }
    }
    int dropped = 0;
    for (Map.Entry<RunChannel, List<LogPoint>> e : perRun.entrySet()) {
      int n = e.getValue().size();
      dropped += n;
      Set<String> keys = new LinkedHashSet<>();
      for (LogPoint p : e.getValue()) {
        if (keys.size() < 100) {
          keys.add(LogPoint.searchPrefix(p.kind) + p.key);
        }
      }
      writer.fail(
          e.getKey(),
          n,
          new BackendUnavailableException(
              "logging stopped when Mlops was closed, before they were written"),
          List.copyOf(keys),
          "points still queued at close");
      taken.addAndGet(n);
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
    try {
      replayEarlierJournals(chunk);
      if (journal != null) {
        drainJournal(journal, chunk);
      } else if (queue != null) {
        drainQueue(queue, chunk);
      }
    } catch (RuntimeException | Error e) {
      LOG.error("The logging worker stopped on an unexpected error", e);
      throw e;
    }
  }

  private void drainQueue(ArrayBlockingQueue<LogPoint> q, List<LogPoint> chunk) {
    while (!stopped) {
      LogPoint first;
      try {
        first = q.take();
      } catch (InterruptedException e) {
        continue;
      }
      chunk.add(first);
      q.drainTo(chunk, maxChunk - 1);
      taken.addAndGet(chunk.size());
      try {
        writer.write(chunk, false);
      } catch (RuntimeException e) {
        LOG.error("The logging worker hit an unexpected error; it keeps running", e);
      }
      chunk.clear();
    }
  }

  private void drainJournal(Journal j, List<LogPoint> chunk) {
    while (!stopped) {
      int n = j.read(chunk, maxChunk, this::channelAt);
      if (n == 0) {
        j.awaitData(() -> stopped);
        continue;
      }
      taken.addAndGet(n);
      boolean done;
      try {
        done = writer.write(chunk, true);
      } catch (RuntimeException e) {
        LOG.error("The logging worker hit an unexpected error; it keeps running", e);
        done = true;
      }
      chunk.clear();
      if (!done) {
        return;
      }
      j.ack();
    }
  }

  private void replayEarlierJournals(List<LogPoint> chunk) {
    try {
      for (JournalReplay r : replays) {
        try {
          if (replay(r, chunk)) {
            r.finish();
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn(
              "Replaying the logging journal {} failed; it is kept: {}", r.dir(), e.toString());
        } finally {
          chunk.clear();
          r.close();
        }
      }
    } finally {
      progressLock.lock();
      try {
        replaying = false;
        progress.signalAll();
      } finally {
        progressLock.unlock();
      }
    }
  }

  /** Sends one earlier journal; true when all of it was taken by the backend. */
  private boolean replay(JournalReplay r, List<LogPoint> chunk) throws IOException {
    LOG.info("Replaying the logging journal {} left by an earlier process.", r.dir());
    while (!stopped) {
      int n = r.read(chunk, maxChunk, this::replayChannel);
      if (n == 0) {
        r.ack();
        return true;
      }
      boolean done = writer.write(chunk, true);
      chunk.clear();
      if (!done) {
        return false;
      }
      r.ack();
    }
    return false;
  }

  private @Nullable RunChannel channelAt(int index) {
    RunChannel[] table = byIndex;
    return index >= 0 && index < table.length ? table[index] : null;
  }

  private RunChannel replayChannel(String runId) {
    return replayChannels.computeIfAbsent(
        runId,
        id -> {
          RunChannel c = new RunChannel(this, id, -1);
          c.replay = true;
          c.released = true;
          return c;
        });
  }

  private void complete(RunChannel channel, int points) {
    channel.completed.addAndGet(points);
    if (!channel.replay) {
      completed.addAndGet(points);
    }
    if (channel.released) {
      forgetIfDone(channel);
    }
    if (waiters > 0) {
      progressLock.lock();
      try {
        progress.signalAll();
      } finally {
        progressLock.unlock();
      }
    }
  }

  /** Drops a released channel from the journal's index once nothing of it is pending. */
  private void forgetIfDone(RunChannel channel) {
    int index = channel.journalIndex;
    if (index < 0 || channel.pending() > 0) {
      return;
    }
    synchronized (this) {
      RunChannel[] table = byIndex;
      if (index < table.length && table[index] == channel) {
        table = table.clone();
        table[index] = null;
        byIndex = table;
      }
    }
  }
}
