package dev.mlops.internal.logging;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk format of the logging journal, version 1. Everything is little-endian.
 *
 * <p>A journal is a directory of segment files ({@code 0000000000000000.seg}, ...), each a fixed
 * size, pre-filled with zeros, starting with a {@value #SEGMENT_HEADER}-byte header:
 *
 * <pre>
 * 0  int  magic "MLJ1" (0x4D4C4A31)     8  long segment number
 * 4  int  format version (1)           16  int  segment size in bytes
 * 20 int  CRC32C of bytes 0..20         24..63 zero
 * </pre>
 *
 * <p>Then records, each aligned to 8 bytes:
 *
 * <pre>
 * 0  int    record length L (multiple of 8, header included); written last, so 0 = not written
 * 4  int    CRC32C of bytes 0..4 and 8..L
 * 8  byte   kind: 0 metric, 1 param, 2 tag, 0x7F padding to the end of the segment
 * 9  byte   flags (0)
 * 10 short  key length in UTF-8 bytes (unsigned)
 * 12 int    run index (see {@link RunTable})
 * 16 double value        24 long timestamp (ms)        32 long step
 * 40 int    text length in UTF-8 bytes (param or tag value; 0 for a metric)
 * 44 key bytes, then text bytes, then zeros up to L
 * </pre>
 *
 * <p>A record whose length or CRC does not check out (a write torn by a crash or power loss) is
 * skipped, and reading goes on at the next 8-byte boundary that starts a valid record.
 */
final class JournalFormat {

  static final int MAGIC = 0x4D4C4A31;
  static final int VERSION = 1;
  static final int SEGMENT_HEADER = 64;

  static final byte PAD = 0x7F;

  static final int LENGTH = 0;
  static final int CRC = 4;
  static final int KIND = 8;
  static final int KEY_LENGTH = 10;
  static final int RUN = 12;
  static final int VALUE = 16;
  static final int TIMESTAMP = 24;
  static final int STEP = 32;
  static final int TEXT_LENGTH = 40;
  static final int KEY = 44;

  /** The smallest record: a padding record's header. */
  static final int MIN_RECORD = 16;

  /** Longest key (250 chars) and tag value (8000 chars), 3 UTF-8 bytes per char, rounded up. */
  static final int MAX_RECORD = 32 * 1024;

  static final VarHandle BUFFER_INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

  private JournalFormat() {}

  /** A caller thread's encoding buffer and checksum, reused for every record it writes. */
  static final class Scratch {
    byte[] bytes = new byte[256];
    final CRC32C crc = new CRC32C();
  }

  static int align8(int n) {
    return (n + 7) & ~7;
  }

  /**
   * Encodes one point into {@code s.bytes[0..L)}, checksum included.
   *
   * @return the record length L
   */
  static int encode(
      Scratch s,
      int run,
      byte kind,
      String key,
      @Nullable String text,
      double value,
      long timestamp,
      long step) {
    int worst = KEY + 3 * key.length() + (text == null ? 0 : 3 * text.length()) + 8;
    if (s.bytes.length < worst) {
      s.bytes = new byte[Math.max(worst, s.bytes.length * 2)];
    }
    byte[] b = s.bytes;
    int keyLength = putUtf8(b, KEY, key);
    int textLength = text == null ? 0 : putUtf8(b, KEY + keyLength, text);
    int end = KEY + keyLength + textLength;
    int length = align8(end);
    for (int i = end; i < length; i++) {
      b[i] = 0;
    }
    ARRAY_INT.set(b, LENGTH, length);
    b[KIND] = kind;
    b[KIND + 1] = 0;
    ARRAY_SHORT.set(b, KEY_LENGTH, (short) keyLength);
    ARRAY_INT.set(b, RUN, run);
    ARRAY_LONG.set(b, VALUE, Double.doubleToRawLongBits(value));
    ARRAY_LONG.set(b, TIMESTAMP, timestamp);
    ARRAY_LONG.set(b, STEP, step);
    ARRAY_INT.set(b, TEXT_LENGTH, textLength);
    ARRAY_INT.set(b, CRC, crc(s.crc, b, length));
    return length;
  }

  /** The header of a padding record that fills {@code length} bytes, up to a segment's end. */
  static byte[] padRecord(int length) {
    byte[] b = new byte[MIN_RECORD];
    ARRAY_INT.set(b, LENGTH, length);
    b[KIND] = PAD;
    ARRAY_INT.set(b, CRC, crc(new CRC32C(), b, MIN_RECORD));
    return b;
  }

  private static int crc(CRC32C crc, byte[] b, int length) {
    crc.reset();
    crc.update(b, LENGTH, 4);
    crc.update(b, KIND, length - KIND);
    return (int) crc.getValue();
  }

  /**
   * Whether a complete, undamaged record of {@code length} bytes starts at {@code at} ({@code
   * length} already read and within the buffer). Padding records are checked on their header only.
   */
  static boolean isValid(ByteBuffer buffer, int at, int length, CRC32C crc, byte[] tmp) {
    byte kind = buffer.get(at + KIND);
    int checked = kind == PAD ? MIN_RECORD : length;
    if (kind != PAD) {
      if (kind != LogPoint.METRIC && kind != LogPoint.PARAM && kind != LogPoint.TAG) {
        return false;
      }
      if (length < KEY) {
        return false;
      }
      long body =
          (long) KEY
              + (buffer.getShort(at + KEY_LENGTH) & 0xFFFF)
              + buffer.getInt(at + TEXT_LENGTH);
      if (buffer.getInt(at + TEXT_LENGTH) < 0 || body > length) {
        return false;
      }
    }
    crc.reset();
    buffer.get(at + LENGTH, tmp, 0, 4);
    crc.update(tmp, 0, 4);
    int done = 0;
    int n = checked - KIND;
    while (done < n) {
      int chunk = Math.min(tmp.length, n - done);
      buffer.get(at + KIND + done, tmp, 0, chunk);
      crc.update(tmp, 0, chunk);
      done += chunk;
    }
    return (int) crc.getValue() == buffer.getInt(at + CRC);
  }

  /**
   * Decodes the point record at {@code at}; null when its run index has no channel.
   *
   * @param tmp a buffer of at least {@link #MAX_RECORD} bytes
   * @param keys where decoded keys are reused
   */
  static @Nullable LogPoint decode(
      ByteBuffer buffer,
      int at,
      IntFunction<@Nullable RunChannel> channels,
      byte[] tmp,
      KeyCache keys) {
    RunChannel channel = channels.apply(buffer.getInt(at + RUN));
    if (channel == null) {
      return null;
    }
    byte kind = buffer.get(at + KIND);
    int keyLength = buffer.getShort(at + KEY_LENGTH) & 0xFFFF;
    buffer.get(at + KEY, tmp, 0, keyLength);
    String key = keys.key(tmp, keyLength);
    if (kind == LogPoint.METRIC) {
      return new LogPoint(
          channel,
          kind,
          key,
          null,
          buffer.getDouble(at + VALUE),
          buffer.getLong(at + TIMESTAMP),
          buffer.getLong(at + STEP));
    }
    int textLength = buffer.getInt(at + TEXT_LENGTH);
    buffer.get(at + KEY + keyLength, tmp, 0, textLength);
    return new LogPoint(channel, kind, key, new String(tmp, 0, textLength, UTF_8), 0, 0, 0);
  }

  /** Writes a segment header into {@code buffer}'s first bytes. */
  static void writeSegmentHeader(ByteBuffer buffer, long number, int size) {
    byte[] h = new byte[SEGMENT_HEADER];
    ARRAY_INT.set(h, 0, MAGIC);
    ARRAY_INT.set(h, 4, VERSION);
    ARRAY_LONG.set(h, 8, number);
    ARRAY_INT.set(h, 16, size);
    CRC32C crc = new CRC32C();
    crc.update(h, 0, 20);
    ARRAY_INT.set(h, 20, (int) crc.getValue());
    buffer.put(0, h, 0, SEGMENT_HEADER);
  }

  /**
   * The segment size a header declares, or -1 when the header is damaged or of another format
   * version.
   */
  static int readSegmentHeader(ByteBuffer buffer, long expectedNumber) {
    if (buffer.limit() < SEGMENT_HEADER) {
      return -1;
    }
    byte[] h = new byte[SEGMENT_HEADER];
    buffer.get(0, h, 0, SEGMENT_HEADER);
    CRC32C crc = new CRC32C();
    crc.update(h, 0, 20);
    boolean ok =
        (int) ARRAY_INT.get(h, 0) == MAGIC
            && (int) ARRAY_INT.get(h, 4) == VERSION
            && (long) ARRAY_LONG.get(h, 8) == expectedNumber
            && (int) ARRAY_INT.get(h, 20) == (int) crc.getValue();
    return ok ? (int) ARRAY_INT.get(h, 16) : -1;
  }

  /** Segment file name for {@code number}. */
  static String segmentName(long number) {
    return String.format("%016x.seg", number);
  }

  /** The number in a segment file name, or -1 when it is not one. */
  static long segmentNumber(String fileName) {
    if (fileName.length() != 20 || !fileName.endsWith(".seg")) {
      return -1;
    }
    try {
      return Long.parseUnsignedLong(fileName.substring(0, 16), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Writes {@code s} as UTF-8 at {@code at}; unpaired surrogates become '?'. Returns the length.
   */
  private static int putUtf8(byte[] b, int at, String s) {
    int p = at;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        int cp = Character.isHighSurrogate(c) && i + 1 < n ? s.codePointAt(i) : -1;
        if (cp < 0x10000) {
          b[p++] = '?';
        } else {
          i++;
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        }
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return p - at;
  }
}
