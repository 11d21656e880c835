package dev.mlops.internal.mlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.TensorSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProtoReaderTest {

  private static ProtoReader reader(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return new ProtoReader(new ByteArrayInputStream(b));
  }

  @Test
  @DisplayName("multi-byte varints and every skippable wire type are read in order")
  void varintsAndSkips() throws IOException {
    ProtoReader r =
        reader(
            0x08, 0xAC, 0x02, // field 1 varint 300
            0x11, 1, 2, 3, 4, 5, 6, 7, 8, // field 2 fixed64
            0x1D, 1, 2, 3, 4, // field 3 fixed32
            0x23, 0x08, 0x01, 0x24, // field 4 group holding field 1 = 1
            0x2A, 0x02, 'h', 'i', // field 5 "hi"
            0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01); // field 6 = -1
    List<Object> seen = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1, 6 -> seen.add(r.varint());
        case 5 -> seen.add(r.string());
        default -> {
          seen.add("skip" + r.field());
          r.skip();
        }
      }
    }
    assertThat(seen).containsExactly(300L, "skip2", "skip3", "skip4", "hi", -1L);
  }

  @Test
  @DisplayName("nested messages are entered and left, skipping what was not read")
  void nested() throws IOException {
    ProtoReader r = reader(0x0A, 0x04, 0x08, 0x05, 0x10, 0x06, 0x10, 0x07);
    assertThat(r.next()).isTrue();
    long outer = r.enter();
    assertThat(r.next()).isTrue();
    assertThat(r.varint()).isEqualTo(5);
    r.exit(outer);
    assertThat(r.next()).isTrue();
    assertThat(r.field()).isEqualTo(2);
    assertThat(r.varint()).isEqualTo(7);
    assertThat(r.next()).isFalse();
  }

  @Test
  @DisplayName("a field longer than its message is reported, not read past")
  void truncated() {
    assertThatThrownBy(
            () -> {
              ProtoReader r = reader(0x0A, 0x05, 'a');
              r.next();
              r.string();
            })
        .isInstanceOf(IOException.class);
  }

  @Test
  @DisplayName("a graph declared with dim_param and dim_value reads as -1 and the value")
  void minimalModel() {
    byte[] x =
        concat(
            field(1, "x".getBytes()),
            field(
                2,
                field(
                    1,
                    concat(
                        varint(1, 1),
                        field(
                            2,
                            concat(field(1, field(2, "N".getBytes())), field(1, varint(1, 3))))))));
    byte[] y =
        concat(
            field(1, "y".getBytes()),
            field(2, field(1, concat(varint(1, 7), field(2, field(1, varint(1, 1)))))));
    byte[] weight = concat(varint(1, 3), varint(2, 1), field(8, "x".getBytes()));
    byte[] graph = concat(field(5, weight), field(11, x), field(12, y));
    // An initializer named like the input marks it as a weight (old exporters did that).
    byte[] graphWithoutWeights = concat(field(11, x), field(12, y));
    OnnxGraph g =
        OnnxGraph.read(
            new ByteArrayInputStream(concat(varint(1, 8), field(7, graphWithoutWeights))), "test");
    assertThat(g.irVersion()).isEqualTo(8);
    assertThat(g.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FLOAT32, -1, 3));
    assertThat(g.signature().outputs()).containsExactly(TensorSpec.of("y", DataType.INT64, 1));
    OnnxGraph withWeights =
        OnnxGraph.read(new ByteArrayInputStream(concat(varint(1, 8), field(7, graph))), "test");
    assertThat(withWeights.signature().inputs()).isEmpty();
  }

  private static byte[] varint(int field, long value) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    writeVarint(out, (long) field << 3);
    writeVarint(out, value);
    return out.toByteArray();
  }

  private static byte[] field(int field, byte[] content) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    writeVarint(out, ((long) field << 3) | 2);
    writeVarint(out, content.length);
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static void writeVarint(java.io.ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Test
  @DisplayName("bytes that are not a ModelProto are rejected as not an ONNX model")
  void notAModel() {
    assertThatThrownBy(
            () -> OnnxGraph.read(new ByteArrayInputStream("hello world".getBytes()), "hello.onnx"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("hello.onnx")
        .hasMessageContaining("not a readable ONNX model");
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
