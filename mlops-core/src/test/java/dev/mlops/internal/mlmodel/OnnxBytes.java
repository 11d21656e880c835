package dev.mlops.internal.mlmodel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-encoded pieces of ONNX models for core's tests (core cannot use the test kit's builder): a
 * model with one float input {@code x} (batch, 2) and output {@code y}, and tensors with inline or
 * external data.
 */
final class OnnxBytes {

  private OnnxBytes() {}

  /** A ModelProto (IR 8, opset 13) whose graph holds {@code graphFields} besides x and y. */
  static byte[] model(byte[]... graphFields) {
    byte[] x =
        concat(
            text(1, "x"),
            field(
                2,
                field(
                    1,
                    concat(
                        varint(1, 1),
                        field(2, concat(field(1, text(2, "N")), field(1, varint(1, 2))))))));
    byte[] y = concat(text(1, "y"), field(2, field(1, concat(varint(1, 1)))));
    byte[] graph = concat(concat(graphFields), field(11, x), field(12, y));
    return concat(varint(1, 8), field(7, graph), field(8, concat(text(1, ""), varint(2, 13))));
  }

  /** A float TensorProto named {@code name} with its data in {@code location}. */
  static byte[] externalTensor(String name, String location, long offset, long length) {
    return concat(
        varint(1, length / 4),
        varint(2, 1),
        text(8, name),
        field(13, entry("location", location)),
        field(13, entry("offset", Long.toString(offset))),
        field(13, entry("length", Long.toString(length))),
        varint(14, 1));
  }

  /** A float TensorProto with data in {@code location} and raw offset/length texts. */
  static byte[] externalTensor(String name, String location, String offset) {
    return concat(
        varint(2, 1),
        text(8, name),
        field(13, entry("location", location)),
        field(13, entry("offset", offset)),
        varint(14, 1));
  }

  /** A graph initializer field holding {@code tensor}. */
  static byte[] initializer(byte[] tensor) {
    return field(5, tensor);
  }

  /** A {@code Constant} node whose {@code value} attribute is {@code tensor}. */
  static byte[] constantNode(String output, byte[] tensor) {
    byte[] attribute = concat(text(1, "value"), varint(20, 4), field(5, tensor));
    return field(1, concat(text(2, output), text(4, "Constant"), field(5, attribute)));
  }

  /** An {@code If} node whose {@code then_branch} graph has {@code tensor} as an initializer. */
  static byte[] ifNode(byte[] tensor) {
    byte[] branch = concat(text(2, "then"), field(5, tensor));
    byte[] attribute = concat(text(1, "then_branch"), varint(20, 5), field(6, branch));
    return field(1, concat(text(1, "cond"), text(4, "If"), field(5, attribute)));
  }

  /** A graph sparse initializer whose values are {@code values} and indices {@code indices}. */
  static byte[] sparseInitializer(byte[] values, byte[] indices) {
    return field(15, concat(field(1, values), field(2, indices), varint(3, 8)));
  }

  static byte[] entry(String key, String value) {
    return concat(text(1, key), text(2, value));
  }

  static byte[] text(int field, String value) {
    return field(field, value.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] varint(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) field << 3);
    writeVarint(out, value);
    return out.toByteArray();
  }

  static byte[] field(int field, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(field, content.length));
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** The tag and length of a length-delimited field of {@code length} bytes. */
  static byte[] header(int field, long length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, ((long) field << 3) | 2);
    writeVarint(out, length);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
