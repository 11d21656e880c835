package dev.mlops.internal.mlmodel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format from a stream, one field at a time, without loading the whole
 * message: fields nobody asks for (an ONNX model's weights, say) are skipped. Nested messages are
 * read by {@link #enter()}ing them and {@link #exit(long) leaving} them.
 *
 * <pre>{@code
 * while (r.next()) {
 *   switch (r.field()) {
 *     case 1 -> version = r.varint();
 *     case 7 -> { long outer = r.enter(); readGraph(r); r.exit(outer); }
 *     default -> r.skip();
 *   }
 * }
 * }</pre>
 *
 * <p>Malformed input (a truncated field, an impossible length, an unknown wire type) throws {@link
 * IOException} with the byte offset. Not thread-safe.
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;

  /** Longest string or byte field read into memory. */
  private static final int MAX_READ = 64 * 1024 * 1024;

  private final InputStream in;
  private long position;
  private long limit = Long.MAX_VALUE;
  private int tag;

  ProtoReader(InputStream in) {
    this.in = in;
  }

  /** Moves to the next field of the current message; false at its end. */
  boolean next() throws IOException {
    if (position >= limit) {
      return false;
    }
    if (limit == Long.MAX_VALUE) {
      int first = in.read();
      if (first < 0) {
        return false;
      }
      position++;
      tag = (int) continueVarint(first);
    } else {
      tag = (int) varint();
    }
    if (field() == 0) {
      throw new IOException("Invalid protobuf field number 0 at byte " + position);
    }
    return true;
  }

  /** The current field's number. */
  int field() {
    return tag >>> 3;
  }

  /** The current field's wire type. */
  int wireType() {
    return tag & 7;
  }

  /** Reads a varint field's value. */
  long varint() throws IOException {
    return continueVarint(readByte());
  }

  /** Reads a length-delimited field as UTF-8 text. */
  String string() throws IOException {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  /** Reads a length-delimited field's bytes. */
  byte[] bytes() throws IOException {
    long length = length();
    if (length > MAX_READ) {
      throw new IOException("Field of " + length + " bytes at byte " + position + " is too long");
    }
    byte[] out = new byte[(int) length];
    int read = in.readNBytes(out, 0, out.length);
    position += read;
    if (read != out.length) {
      throw new EOFException("Truncated field at byte " + position);
    }
    return out;
  }

  /**
   * Enters the current length-delimited field as a nested message; returns the outer limit to pass
   * to {@link #exit(long)}.
   */
  long enter() throws IOException {
    long length = length();
    long outer = limit;
    limit = position + length;
    return outer;
  }

  /** Skips what is left of the nested message and returns to the outer one. */
  void exit(long outerLimit) throws IOException {
    skipBytes(limit - position);
    limit = outerLimit;
  }

  /** Skips the current field's value. */
  void skip() throws IOException {
    switch (wireType()) {
      case VARINT -> varint();
      case FIXED64 -> skipBytes(8);
      case LENGTH_DELIMITED -> skipBytes(length());
      case FIXED32 -> skipBytes(4);
      case START_GROUP -> skipGroup();
      default ->
          throw new IOException(
              "Unknown protobuf wire type " + wireType() + " at byte " + position);
    }
  }

  private void skipGroup() throws IOException {
    int startField = field();
    while (true) {
      tag = (int) varint();
      if (wireType() == END_GROUP) {
        if (field() != startField) {
          throw new IOException("Mismatched protobuf group end at byte " + position);
        }
        return;
      }
      skip();
    }
  }

  private long length() throws IOException {
    if (wireType() != LENGTH_DELIMITED) {
      throw new IOException(
          "Field "
              + field()
              + " at byte "
              + position
              + " has wire type "
              + wireType()
              + ", expected a length-delimited field");
    }
    long length = varint();
    if (length < 0 || position + length > limit) {
      throw new IOException(
          "Field "
              + field()
              + " at byte "
              + position
              + " claims "
              + length
              + " bytes, more than its message holds");
    }
    return length;
  }

  private void skipBytes(long n) throws IOException {
    if (n <= 0) {
      return;
    }
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException("Truncated message: ended while skipping to byte " + (position + n));
    }
    position += n;
  }

  private int readByte() throws IOException {
    if (position >= limit) {
      throw new EOFException("Value runs past the end of its message at byte " + position);
    }
    int b = in.read();
    if (b < 0) {
      throw new EOFException("Truncated message at byte " + position);
    }
    position++;
    return b;
  }

  private long continueVarint(int first) throws IOException {
    long result = first & 0x7f;
    int b = first;
    int shift = 7;
    while ((b & 0x80) != 0) {
      if (shift > 63) {
        throw new IOException("Varint longer than 10 bytes at byte " + position);
      }
      b = readByte();
      result |= (long) (b & 0x7f) << shift;
      shift += 7;
    }
    return result;
  }
}
