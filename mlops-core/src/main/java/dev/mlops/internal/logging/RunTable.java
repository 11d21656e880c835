package dev.mlops.internal.logging;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@code runs} file of a journal: which run id each run index in the records stands for, so
 * that a record carries a 4-byte index instead of a 32-character id. Append-only records of {@code
 * [int payload length][int CRC32C of payload][int index][run id, UTF-8]}, little-endian, synced
 * when written (once per run). Reading stops at the first damaged record.
 */
final class RunTable implements AutoCloseable {

  static final String FILE = "runs";
  private static final int MAX_ID_BYTES = 1024;

  private final FileChannel channel;
  private long size;
  private int next;

  private RunTable(FileChannel channel) {
    this.channel = channel;
  }

  /** A new, empty table in {@code dir}. */
  static RunTable create(Path dir) throws IOException {
    return new RunTable(
        FileChannel.open(
            dir.resolve(FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /** Records {@code runId} and returns its index; synced before returning. */
  synchronized int add(String runId) throws IOException {
    byte[] id = runId.getBytes(UTF_8);
    if (id.length > MAX_ID_BYTES) {
      throw new IOException("run id longer than " + MAX_ID_BYTES + " bytes");
    }
    int index = next;
    ByteBuffer b = ByteBuffer.allocate(12 + id.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4 + id.length).putInt(0).putInt(index).put(id);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 8, 4 + id.length);
    b.putInt(4, (int) crc.getValue());
    b.flip();
    while (b.hasRemaining()) {
      size += channel.write(b, size);
    }
    channel.force(false);
    next++;
    return index;
  }

  /** The table in {@code dir}: index to run id; empty when the file is missing. */
  static Map<Integer, String> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    Map<Integer, String> runs = new HashMap<>();
    if (!Files.exists(file)) {
      return runs;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    while (b.remaining() >= 12) {
      int length = b.getInt(b.position());
      if (length < 4 || length > 4 + MAX_ID_BYTES || b.remaining() < 8 + length) {
        break;
      }
      crc.reset();
      crc.update(b.array(), b.position() + 8, length);
      if ((int) crc.getValue() != b.getInt(b.position() + 4)) {
        break;
      }
      int index = b.getInt(b.position() + 8);
      runs.put(index, new String(b.array(), b.position() + 12, length - 4, UTF_8));
      b.position(b.position() + 8 + length);
    }
    return runs;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
