package dev.mlops.internal.logging;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file of a live {@link Journal}, memory-mapped: a record copied into the mapping is in
 * the operating system's page cache at once, so it survives the process being killed; {@link
 * #force} makes it survive a power cut too. The file is filled with zeros when created, so that
 * disk space is taken up front (a full disk fails here, not inside a later write) and unwritten
 * records read as length 0.
 *
 * <p>Callers write disjoint ranges concurrently with absolute puts; the record length is published
 * last with a release store and read with an acquire load.
 */
final class JournalSegment {

  private static final Logger LOG = LoggerFactory.getLogger(JournalSegment.class);
  private static final int ZERO_CHUNK = 64 * 1024;
  private static final @Nullable Cleaner CLEANER = Cleaner.find();

  final long number;
  final Path file;
  final MappedByteBuffer buffer;
  private boolean unmapped;

  private JournalSegment(long number, Path file, MappedByteBuffer buffer) {
    this.number = number;
    this.file = file;
    this.buffer = buffer;
  }

  /** Creates, zero-fills, maps and syncs segment {@code number} in {@code dir}. */
  static JournalSegment create(Path dir, long number, int size) throws IOException {
    Path file = dir.resolve(JournalFormat.segmentName(number));
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
      long written = 0;
      while (written < size) {
        zeros.clear().limit((int) Math.min(ZERO_CHUNK, size - written));
        written += ch.write(zeros, written);
      }
      MappedByteBuffer buffer = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
      buffer.order(ByteOrder.LITTLE_ENDIAN);
      JournalFormat.writeSegmentHeader(buffer, number, size);
      buffer.force(0, JournalFormat.SEGMENT_HEADER);
      ch.force(true);
      return new JournalSegment(number, file, buffer);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Copies {@code bytes} bytes of a record, all but its length field, to {@code at}, then publishes
   * the record's {@code length} (larger than {@code bytes} for padding).
   */
  void put(int at, byte[] record, int bytes, int length) {
    buffer.put(at + 4, record, 4, bytes - 4);
    JournalFormat.BUFFER_INT.setRelease(buffer, at, length);
  }

  /** The published length of the record at {@code at}; 0 while it is being written. */
  int lengthAt(int at) {
    return (int) JournalFormat.BUFFER_INT.getAcquire(buffer, at);
  }

  /** Syncs bytes {@code [from, to)} to disk. Callers serialize with {@link #release}. */
  void force(int from, int to) {
    if (to > from && !unmapped) {
      buffer.force(from, to - from);
    }
  }

  /**
   * Unmaps and deletes the file. Only for a segment no thread will touch again: every record in it
   * was read, and the caller holds the journal's sync lock.
   */
  void release() {
    if (!unmapped && CLEANER != null) {
      unmapped = CLEANER.unmap(buffer);
    }
    delete();
  }

  /** Deletes the file, leaving the mapping to the garbage collector. */
  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("Could not delete journal segment {}: {}", file, e.toString());
    }
  }

  /**
   * Frees a mapping now rather than at garbage collection, through {@code
   * sun.misc.Unsafe.invokeCleaner} when the JDK offers it; otherwise mappings are freed by the
   * garbage collector.
   */
  private record Cleaner(Object unsafe, Method invokeCleaner) {

    static @Nullable Cleaner find() {
      try {
        Class<?> type = Class.forName("sun.misc.Unsafe");
        Field field = type.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        return new Cleaner(field.get(null), type.getMethod("invokeCleaner", ByteBuffer.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("Journal segments will be unmapped by the garbage collector: {}", e.toString());
        return null;
      }
    }

    boolean unmap(ByteBuffer buffer) {
      try {
        invokeCleaner.invoke(unsafe, buffer);
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return false;
      }
    }
  }
}
