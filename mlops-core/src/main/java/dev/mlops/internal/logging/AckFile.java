package dev.mlops.internal.logging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The {@code ack} file of a journal: the position up to which the backend has taken every record
 * (written, or rejected and reported). 16 bytes, {@code [long position][int CRC32C of the
 * position][int format version]}, rewritten in place. A damaged or missing file reads as "nothing
 * acknowledged", which only means replaying records the backend already has: writes are idempotent.
 */
final class AckFile implements AutoCloseable {

  static final String FILE = "ack";

  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();

  private AckFile(FileChannel channel) {
    this.channel = channel;
  }

  static AckFile open(Path dir) throws IOException {
    return new AckFile(
        FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
  }

  /** Writes {@code position}; durable after {@link #sync}. */
  synchronized void write(long position) throws IOException {
    buffer.clear();
    buffer.putLong(0, position);
    crc.reset();
    crc.update(buffer.array(), 0, 8);
    buffer.putInt(8, (int) crc.getValue()).putInt(12, JournalFormat.VERSION);
    buffer.position(0).limit(16);
    while (buffer.hasRemaining()) {
      channel.write(buffer, buffer.position());
    }
  }

  synchronized void sync() throws IOException {
    channel.force(false);
  }

  /** The acknowledged position in {@code dir}, 0 when unknown. */
  static long read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < 16) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C c = new CRC32C();
    c.update(bytes, 0, 8);
    return (int) c.getValue() == b.getInt(8) ? b.getLong(0) : 0;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
