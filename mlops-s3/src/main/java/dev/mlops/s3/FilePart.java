package dev.mlops.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * A slice of a local file as a request body, read straight from disk (no buffering of the slice).
 * Each new stream (the SDK opens one per attempt) starts over and takes its bytes back from the
 * progress count.
 */
final class FilePart implements ContentStreamProvider {

  private final Path file;
  private final long offset;
  private final long length;
  private final Progress progress;
  private @Nullable Slice current;

  FilePart(Path file, long offset, long length, Progress progress) {
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.progress = progress;
  }

  @Override
  public synchronized InputStream newStream() {
    if (current != null) {
      progress.add(-current.count);
      current.closeQuietly();
    }
    current = new Slice();
    return current;
  }

  private final class Slice extends InputStream {
    private @Nullable FileChannel channel;
    private long position = offset;
    private long left = length;
    private long count;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      if (channel == null) {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
      if (n < 0) {
        throw new IOException(
            "Local file "
                + file
                + " ended at byte "
                + position
                + ", before the "
                + length
                + " bytes expected from offset "
                + offset
                + ": it changed while being uploaded");
      }
      position += n;
      left -= n;
      count += n;
      progress.add(n);
      return n;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, left);
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }

    void closeQuietly() {
      try {
        close();
      } catch (IOException ignored) {
        // the stream is being replaced; nothing depends on closing it cleanly
      }
    }
  }
}
