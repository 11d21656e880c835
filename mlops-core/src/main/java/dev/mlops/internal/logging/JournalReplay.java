package dev.mlops.internal.logging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back the journal an earlier engine left behind (it crashed, or closed before the backend
 * took everything), from its acknowledged position on, so that the worker can send it before new
 * points. Records are checked one by one: a damaged record (a write torn by a crash) is skipped,
 * and reading resumes at the next 8-byte boundary that starts a valid record. Records of a run
 * missing from the run table are dropped with a warning.
 *
 * <p>Holds the directory's lock while open. Used by the engine's worker thread only.
 */
final class JournalReplay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

  private final JournalDirectory.Instance instance;
  private final Map<Integer, String> runs;
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final CRC32C crc = new CRC32C();
  private final byte[] tmp = new byte[JournalFormat.MAX_RECORD];
  private final KeyCache keys = new KeyCache();
  private final long totalBytes;

  private @Nullable ByteBuffer buffer;
  private long segmentNumber = -1;
  private int segmentSize;
  private int offset;
  private long position;
  private long consumedBytes;
  private long skippedBytes;
  private long unknownRunRecords;
  private long replayedPoints;

  private JournalReplay(JournalDirectory.Instance instance) throws IOException {
    this.instance = instance;
    this.runs = RunTable.read(instance.dir());
    long total = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(instance.dir(), "*.seg")) {
      for (Path p : s) {
        long n = JournalFormat.segmentNumber(p.getFileName().toString());
        if (n >= 0) {
          segments.put(n, p);
          total += Files.size(p);
        }
      }
    }
    this.position = AckFile.read(instance.dir());
    this.totalBytes = total;
  }

  /** The journals of stopped engines in {@code storeDir}, oldest first, each locked. */
  static List<JournalReplay> findStopped(Path storeDir) throws IOException {
    List<JournalDirectory.Instance> stopped = JournalDirectory.stopped(storeDir);
    List<JournalReplay> out = new ArrayList<>();
    for (JournalDirectory.Instance instance : stopped) {
      try {
        out.add(new JournalReplay(instance));
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "Cannot read the logging journal {}; leaving it in place: {}",
            instance.dir(),
            e.toString());
        instance.close();
      }
    }
    return out;
  }

  Path dir() {
    return instance.dir();
  }

  /** Bytes of segment files not yet read. */
  long remainingBytes() {
    return Math.max(0, totalBytes - consumedBytes);
  }

  /**
   * Decodes up to {@code max} points into {@code chunk}, in journal order.
   *
   * @param channels the channel that sends a run's points
   * @return how many were added; 0 only when the journal is exhausted
   */
  int read(List<LogPoint> chunk, int max, Function<String, RunChannel> channels)
      throws IOException {
    int added = 0;
    while (added < max) {
      ByteBuffer b = buffer;
      if (b == null || offset + JournalFormat.MIN_RECORD > segmentSize) {
        if (!nextSegment()) {
          break;
        }
        continue;
      }
      int length = b.getInt(offset);
      if (length == 0) {
        offset += 8;
        continue;
      }
      boolean fits =
          length >= JournalFormat.MIN_RECORD
              && length % 8 == 0
              && (long) offset + length <= segmentSize;
      if (!fits || !JournalFormat.isValid(b, offset, length, crc, tmp)) {
        skippedBytes += 8;
        offset += 8;
        continue;
      }
      if (b.get(offset + JournalFormat.KIND) != JournalFormat.PAD) {
        int run = b.getInt(offset + JournalFormat.RUN);
        String runId = runs.get(run);
        if (runId == null) {
          unknownRunRecords++;
        } else {
          LogPoint p = JournalFormat.decode(b, offset, i -> channels.apply(runId), tmp, keys);
          if (p != null) {
            chunk.add(p);
            added++;
            replayedPoints++;
          }
        }
      }
      offset += length;
    }
    position = segmentNumber * (long) Math.max(segmentSize, 1) + offset;
    return added;
  }

  /** Records that everything read so far was taken by the backend. */
  void ack() throws IOException {
    try (AckFile ack = AckFile.open(instance.dir())) {
      ack.write(position);
      ack.sync();
    }
  }

  /** Deletes the journal after a complete replay, and says what was replayed. */
  void finish() throws IOException {
    if (skippedBytes > 0 || unknownRunRecords > 0) {
      LOG.warn(
          "Replayed the logging journal {}: {} points; skipped {} bytes of damaged records (a write"
              + " torn by a crash) and {} points of runs missing from its run table.",
          instance.dir(),
          replayedPoints,
          skippedBytes,
          unknownRunRecords);
    } else {
      LOG.info(
          "Replayed {} points from the logging journal {} left by an earlier process.",
          replayedPoints,
          instance.dir());
    }
    buffer = null;
    instance.close();
    JournalDirectory.delete(instance.dir());
  }

  private boolean nextSegment() throws IOException {
    if (buffer != null) {
      consumedBytes += segmentSize;
    }
    buffer = null;
    var next = segments.ceilingEntry(segmentNumber + 1);
    if (next == null) {
      return false;
    }
    long number = next.getKey();
    ByteBuffer b = load(next.getValue());
    int size = JournalFormat.readSegmentHeader(b, number);
    if (size != b.limit()) {
      LOG.warn(
          "Skipping journal segment {}: its header is damaged or of another format version.",
          next.getValue());
      segmentNumber = number;
      segmentSize = b.limit();
      consumedBytes += segmentSize;
      return true;
    }
    segmentNumber = number;
    segmentSize = size;
    buffer = b;
    long start = number * (long) size;
    offset =
        position > start && position < start + size
            ? (int) (position - start)
            : JournalFormat.SEGMENT_HEADER;
    if (position >= start + size) {
      offset = size; // already acknowledged as a whole
    }
    return true;
  }

  private static ByteBuffer load(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException("journal segment " + file + " is larger than 2 GB");
      }
      ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // keep reading
      }
      return b.flip();
    }
  }

  /** Releases the lock, leaving the directory for a later replay. */
  @Override
  public void close() {
    try {
      instance.close();
    } catch (IOException e) {
      LOG.debug("Releasing journal lock {}: {}", instance.dir(), e.toString());
    }
  }
}
