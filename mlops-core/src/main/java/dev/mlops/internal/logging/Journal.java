package dev.mlops.internal.logging;

import dev.mlops.MlopsException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live write-ahead journal of a {@link LoggingEngine} in {@code SPILL} mode: the engine's
 * queue, on disk. A logging call encodes its point ({@link JournalFormat}) and copies it into a
 * memory-mapped segment before returning, without a system call; the worker reads records back in
 * order, hands them to the backend and then acknowledges them; acknowledged segments are deleted.
 *
 * <p>Space is reserved with a compare-and-set on one shared position, so concurrent callers write
 * disjoint ranges in parallel; each publishes its record by writing the length last. A record that
 * does not fit the rest of a segment leaves a padding record there and goes to the next segment.
 *
 * <p>Limit: when {@code maxBytes} of records are written and not yet acknowledged, a logging call
 * waits, before reserving any space, until the worker acknowledges some (or the journal closes), so
 * a long outage cannot fill the disk. The journal may pass the limit by the records of callers
 * already past the check: at most one record per logging thread.
 *
 * <p>Group commit: a daemon thread syncs new records and the acknowledged position to disk every
 * {@value #SYNC_INTERVAL_MS} ms, and {@link #sync()} does it at once (on {@code flush()}).
 *
 * <p>Thread-safe: {@link #append} from any thread; {@link #read}, {@link #ack} and {@link
 * #awaitData} from the one worker thread.
 */
final class Journal implements AutoCloseable {

  static final int MIN_SEGMENT_BYTES = 2 * JournalFormat.MAX_RECORD + JournalFormat.SEGMENT_HEADER;
  static final long SYNC_INTERVAL_MS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final ThreadLocal<JournalFormat.Scratch> SCRATCH =
      ThreadLocal.withInitial(JournalFormat.Scratch::new);
  private static final int SPINS = 200;

  private final JournalDirectory.Instance instance;
  private final int segmentBytes;
  private final long maxBytes;
  private final Object room = new Object();
  private final RunTable runs;
  private final AckFile ackFile;
  private final Map<Long, JournalSegment> segments = new TreeMap<>();
  private final Object createLock = new Object();
  private final AtomicLong tail;
  private volatile JournalSegment current;
  private volatile @Nullable IOException broken;

  // the worker's side
  private long readPosition;
  private @Nullable JournalSegment readSegment;
  private final byte[] decodeBuffer = new byte[JournalFormat.MAX_RECORD];
  private final KeyCache keys = new KeyCache();
  private volatile long ackPosition;
  private volatile boolean workerWaiting;
  private volatile @Nullable Thread worker;

  // group commit
  private final Object syncLock = new Object();
  private long syncedTail;
  private long syncedAck;
  private int quietRounds;
  private final Thread syncer;
  private volatile boolean closed;

  private Journal(JournalDirectory.Instance instance, int segmentBytes, long maxBytes)
      throws IOException {
    this.instance = instance;
    this.segmentBytes = segmentBytes;
    this.maxBytes = maxBytes;
    this.runs = RunTable.create(instance.dir());
    this.ackFile = AckFile.open(instance.dir());
    JournalSegment first = JournalSegment.create(instance.dir(), 0, segmentBytes);
    segments.put(0L, first);
    this.current = first;
    long start = JournalFormat.SEGMENT_HEADER;
    this.tail = new AtomicLong(start);
    this.readPosition = start;
    this.ackPosition = start;
    ackFile.write(start);
    ackFile.sync();
    this.syncer = new Thread(this::syncLoop, "mlops-log-journal-sync");
    syncer.setDaemon(true);
    syncer.start();
  }

  /** Creates a journal without a size limit in a new instance directory of {@code storeDir}. */
  static Journal create(Path storeDir, int segmentBytes) throws IOException {
    return create(storeDir, segmentBytes, Long.MAX_VALUE);
  }

  /**
   * Creates a journal in a new instance directory of {@code storeDir}; logging calls wait while
   * {@code maxBytes} of records are not acknowledged.
   */
  static Journal create(Path storeDir, int segmentBytes, long maxBytes) throws IOException {
    JournalDirectory.Instance instance = JournalDirectory.create(storeDir);
    try {
      return new Journal(instance, segmentBytes, maxBytes);
    } catch (IOException | RuntimeException e) {
      instance.close();
      JournalDirectory.delete(instance.dir());
      throw e;
    }
  }

  Path dir() {
    return instance.dir();
  }

  /** Records {@code runId} in the run table and returns the index its records carry. */
  int register(String runId) {
    try {
      return runs.add(runId);
    } catch (IOException e) {
      throw new MlopsException(
          "Could not record run "
              + runId
              + " in the logging journal "
              + dir()
              + ": "
              + e.getMessage()
              + ". Check that the directory is writable and the disk has space, or use"
              + " Backpressure.BLOCK.",
          e);
    }
  }

  /**
   * Appends one point; once this returns, the point survives the process being killed. Waits first
   * while the journal is at its size limit.
   *
   * @throws MlopsException when the journal cannot grow (disk full, directory gone), or when the
   *     caller is interrupted while waiting for room (then nothing was written)
   */
  void append(
      int run, byte kind, String key, @Nullable String text, double value, long ts, long step) {
    if (maxBytes != Long.MAX_VALUE && tail.get() - ackPosition >= maxBytes) {
      awaitRoom(key); // only with a limit: without one, no shared state is read here
    }
    JournalFormat.Scratch s = SCRATCH.get();
    int length = JournalFormat.encode(s, run, kind, key, text, value, ts, step);
    long position = reserve(length);
    JournalSegment segment = segment(position / segmentBytes);
    segment.put((int) (position % segmentBytes), s.bytes, length, length);
    if (workerWaiting) {
      workerWaiting = false;
      Thread w = worker;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /**
   * Waits until the worker acknowledges enough records to bring the journal under its limit, or the
   * journal closes. The worker itself never waits (an error listener logging from the worker thread
   * would wait for itself).
   */
  private void awaitRoom(String key) {
    if (Thread.currentThread() == worker) {
      return;
    }
    synchronized (room) {
      while (tail.get() - ackPosition >= maxBytes && !closed && broken == null) {
        try {
          room.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MlopsException(
              "Interrupted while waiting for room in the logging journal "
                  + dir()
                  + " (limit "
                  + maxBytes
                  + " bytes, reached because the backend is not taking points): '"
                  + key
                  + "' was not logged. Raise the limit (journalMaxBytes) or restore the backend.");
        }
      }
    }
  }

  private long reserve(int length) {
    while (true) {
      long position = tail.get();
      long offset = position % segmentBytes;
      if (offset == 0) {
        long start = position + JournalFormat.SEGMENT_HEADER;
        if (tail.compareAndSet(position, start + length)) {
          return start;
        }
      } else if (offset + length <= segmentBytes) {
        if (tail.compareAndSet(position, position + length)) {
          return position;
        }
      } else if (tail.compareAndSet(position, position - offset + segmentBytes)) {
        int rest = (int) (segmentBytes - offset);
        if (rest >= JournalFormat.MIN_RECORD) {
          byte[] pad = JournalFormat.padRecord(rest);
          segment(position / segmentBytes).put((int) offset, pad, JournalFormat.MIN_RECORD, rest);
        }
      }
    }
  }

  private JournalSegment segment(long number) {
    JournalSegment s = current;
    if (s.number == number) {
      return s;
    }
    return segmentSlow(number, true);
  }

  /**
   * Segment {@code number}, created when missing (outside the lock that readers and the fast path's
   * fallback take); with {@code advance}, it becomes the one the fast path of writers looks at.
   */
  private JournalSegment segmentSlow(long number, boolean advance) {
    JournalSegment s = existing(number, advance);
    if (s != null) {
      return s;
    }
    synchronized (createLock) {
      s = existing(number, advance);
      if (s != null) {
        return s;
      }
      IOException failure = broken;
      if (failure != null || closed) {
        throw journalFull(failure);
      }
      try {
        s = JournalSegment.create(dir(), number, segmentBytes);
      } catch (IOException e) {
        broken = e;
        throw journalFull(e);
      }
      synchronized (this) {
        segments.put(number, s);
      }
      JournalSegment created = existing(number, advance);
      return created != null ? created : s;
    }
  }

  private synchronized @Nullable JournalSegment existing(long number, boolean advance) {
    JournalSegment s = segments.get(number);
    if (s != null && advance && number > current.number) {
      current = s;
      LockSupport.unpark(syncer); // to create the next segment before a writer needs it
    }
    return s;
  }

  private MlopsException journalFull(@Nullable IOException cause) {
    return new MlopsException(
        "The logging journal in "
            + dir()
            + " cannot grow"
            + (cause == null ? "" : " (" + cause.getMessage() + ")")
            + ": free disk space there, set mlops.log.journal.dir to a larger disk, or use"
            + " Backpressure.BLOCK. Points logged before this are kept.",
        cause);
  }

  // ---- the worker's side

  /**
   * Decodes records published since the last read into {@code chunk}, at most {@code max}, in
   * order; stops at a record still being written once it has some. Records of a run without a
   * channel are skipped.
   *
   * @return how many points were added
   */
  int read(List<LogPoint> chunk, int max, IntFunction<@Nullable RunChannel> channels) {
    int added = 0;
    int spins = 0;
    while (added < max) {
      long position = readPosition;
      long offset = position % segmentBytes;
      if (offset == 0) {
        readPosition = position + JournalFormat.SEGMENT_HEADER;
        continue;
      }
      if (segmentBytes - offset < JournalFormat.MIN_RECORD) {
        readPosition = position - offset + segmentBytes;
        continue;
      }
      if (position >= tail.get()) {
        break;
      }
      JournalSegment segment = readSegment(position / segmentBytes);
      int length = segment == null ? 0 : segment.lengthAt((int) offset);
      if (length == 0) {
        if (added > 0 || closed || ++spins > SPINS * 50) {
          break;
        }
        if (spins > SPINS) {
          LockSupport.parkNanos(10_000);
        } else {
          Thread.onSpinWait();
        }
        continue;
      }
      spins = 0;
      if (segment.buffer.get((int) offset + JournalFormat.KIND) != JournalFormat.PAD) {
        LogPoint p =
            JournalFormat.decode(segment.buffer, (int) offset, channels, decodeBuffer, keys);
        if (p != null) {
          chunk.add(p);
          added++;
        }
      }
      readPosition = position + length;
    }
    return added;
  }

  private @Nullable JournalSegment readSegment(long number) {
    JournalSegment s = readSegment;
    if (s != null && s.number == number) {
      return s;
    }
    synchronized (this) {
      s = segments.get(number);
    }
    readSegment = s;
    return s;
  }

  /** Waits until a record may be available, {@code stopped} turns true, or 100 ms pass. */
  void awaitData(BooleanSupplier stopped) {
    worker = Thread.currentThread();
    workerWaiting = true;
    if (readPosition >= tail.get() && !stopped.getAsBoolean() && !closed) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
    }
    workerWaiting = false;
  }

  /** Wakes a worker waiting in {@link #awaitData}. */
  void wake() {
    Thread w = worker;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /** Marks everything read so far as taken by the backend and drops segments wholly behind it. */
  void ack() {
    long position = readPosition;
    synchronized (syncLock) {
      if (closed) {
        return;
      }
      ackPosition = position;
      if (maxBytes != Long.MAX_VALUE) {
        synchronized (room) {
          room.notifyAll();
        }
      }
      try {
        ackFile.write(position);
      } catch (IOException e) {
        LOG.warn("Could not record progress in the logging journal {}: {}", dir(), e.toString());
      }
      long firstLive = position / segmentBytes;
      synchronized (this) {
        var it = segments.entrySet().iterator();
        while (it.hasNext()) {
          JournalSegment s = it.next().getValue();
          if (s.number >= firstLive || s == current) {
            break;
          }
          it.remove();
          if (readSegment == s) {
            readSegment = null;
          }
          s.release();
        }
      }
    }
  }

  /** Whether every record written was acknowledged. */
  boolean isDrained() {
    long t = tail.get();
    long a = ackPosition;
    return a >= t || (a % segmentBytes == 0 && a + JournalFormat.SEGMENT_HEADER >= t);
  }

  /** Bytes written and not yet acknowledged. */
  long pendingBytes() {
    return Math.max(0, tail.get() - ackPosition);
  }

  // ---- group commit

  /** Syncs every record written so far and the acknowledged position to disk. */
  void sync() {
    synchronized (syncLock) {
      if (closed) {
        return;
      }
      long t = tail.get();
      long a = ackPosition;
      if (t == syncedTail && a == syncedAck) {
        if (quietRounds++ > 1) {
          return;
        }
      } else {
        quietRounds = 0;
      }
      try {
        forceRange(Math.min(a, syncedTail), t);
        ackFile.sync();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not sync the logging journal {}: {}", dir(), e.toString());
        return;
      }
      syncedTail = t;
      syncedAck = a;
    }
  }

  private void forceRange(long from, long to) {
    long start = Math.max(from, JournalFormat.SEGMENT_HEADER);
    List<JournalSegment> live;
    synchronized (this) {
      live = List.copyOf(segments.values());
    }
    for (JournalSegment s : live) {
      long base = s.number * segmentBytes;
      long lo = Math.max(start, base);
      long hi = Math.min(to, base + segmentBytes);
      if (hi > lo) {
        s.force((int) (lo - base), (int) (hi - base));
      }
    }
  }

  private void syncLoop() {
    while (!closed) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(SYNC_INTERVAL_MS));
      sync();
      prepareNextSegment();
    }
  }

  /** Keeps one spare segment after the current one, so that writers rarely create one. */
  private void prepareNextSegment() {
    if (closed) {
      return;
    }
    long next = current.number + 1;
    synchronized (this) {
      if (segments.containsKey(next)) {
        return;
      }
    }
    try {
      segmentSlow(next, false);
    } catch (MlopsException e) {
      LOG.debug("Could not create the next journal segment early: {}", e.getMessage());
    }
  }

  /**
   * Stops the sync thread, syncs once more and releases the directory's lock. When {@code
   * deleteIfDrained} and every record was acknowledged, deletes the directory; otherwise leaves it
   * for the next engine on this store to replay.
   *
   * @return whether the directory was deleted
   */
  boolean close(boolean deleteIfDrained) {
    sync();
    synchronized (syncLock) {
      closed = true;
    }
    synchronized (room) {
      room.notifyAll();
    }
    LockSupport.unpark(syncer);
    try {
      syncer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean delete = deleteIfDrained && isDrained();
    try {
      runs.close();
      ackFile.close();
    } catch (IOException e) {
      LOG.debug("Closing journal files: {}", e.toString());
    }
    try {
      if (delete) {
        JournalDirectory.delete(dir());
      }
    } catch (IOException e) {
      LOG.warn("Could not delete the drained logging journal {}: {}", dir(), e.toString());
      delete = false;
    } finally {
      try {
        instance.close();
      } catch (IOException e) {
        LOG.debug("Releasing the journal lock: {}", e.toString());
      }
    }
    return delete;
  }

  @Override
  public void close() {
    close(true);
  }
}
