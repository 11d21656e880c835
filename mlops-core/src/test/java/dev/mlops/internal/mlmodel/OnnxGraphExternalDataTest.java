package dev.mlops.internal.mlmodel;

import static dev.mlops.internal.mlmodel.OnnxBytes.concat;
import static dev.mlops.internal.mlmodel.OnnxBytes.entry;
import static dev.mlops.internal.mlmodel.OnnxBytes.externalTensor;
import static dev.mlops.internal.mlmodel.OnnxBytes.field;
import static dev.mlops.internal.mlmodel.OnnxBytes.header;
import static dev.mlops.internal.mlmodel.OnnxBytes.initializer;
import static dev.mlops.internal.mlmodel.OnnxBytes.model;
import static dev.mlops.internal.mlmodel.OnnxBytes.text;
import static dev.mlops.internal.mlmodel.OnnxBytes.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.TensorSpec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@link OnnxGraph} finds out about tensors kept in external data files. */
class OnnxGraphExternalDataTest {

  private static OnnxGraph read(byte[] model) {
    return OnnxGraph.read(new ByteArrayInputStream(model), "m.onnx");
  }

  @Test
  @DisplayName("a model with inline weights lists no external data")
  void inline() {
    byte[] w = concat(varint(1, 2), varint(2, 1), text(8, "w"), field(9, new byte[8]));
    assertThat(read(model(initializer(w))).externalData()).isEmpty();
  }

  @Test
  @DisplayName(
      "external tensors are found in initializers, sparse initializers, Constant nodes and"
          + " subgraphs, with their offsets and lengths")
  void everywhere() {
    OnnxGraph g =
        read(
            model(
                initializer(externalTensor("w", "model.onnx.data", 0, 64)),
                OnnxBytes.sparseInitializer(
                    externalTensor("s_values", "sparse/values.bin", 0, 12),
                    externalTensor("s_indices", "sparse/indices.bin", 16, 24)),
                OnnxBytes.constantNode("c", externalTensor("c", "model.onnx.data", 64, 32)),
                OnnxBytes.ifNode(externalTensor("then_w", "branch.bin", 8, 4))));
    assertThat(g.externalData())
        .containsExactly(
            new ExternalTensor("w", "model.onnx.data", 0, 64),
            new ExternalTensor("s_values", "sparse/values.bin", 0, 12),
            new ExternalTensor("s_indices", "sparse/indices.bin", 16, 24),
            new ExternalTensor("c", "model.onnx.data", 64, 32),
            new ExternalTensor("then_w", "branch.bin", 8, 4));
    assertThat(g.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FLOAT32, -1, 2));
  }

  @Test
  @DisplayName("a sparse initializer named like a graph input marks it as a weight")
  void sparseInitializerIsAWeight() {
    byte[] values = concat(varint(2, 1), text(8, "x"), field(9, new byte[4]));
    byte[] indices = concat(varint(2, 7), field(9, new byte[8]));
    assertThat(read(model(OnnxBytes.sparseInitializer(values, indices))).signature().inputs())
        .isEmpty();
  }

  @Test
  @DisplayName("offset and length default to 0 and to the end of the file")
  void defaults() {
    byte[] t = concat(text(8, "w"), field(13, entry("location", "w.bin")), varint(14, 1));
    assertThat(read(model(initializer(t))).externalData())
        .containsExactly(new ExternalTensor("w", "w.bin", 0, -1));
  }

  @Test
  @DisplayName("external_data entries on a tensor whose data_location is DEFAULT are ignored")
  void defaultLocation() {
    byte[] t =
        concat(
            text(8, "w"),
            field(9, new byte[4]),
            field(13, entry("location", "stale.bin")),
            varint(14, 0));
    assertThat(read(model(initializer(t))).externalData()).isEmpty();
  }

  @Test
  @DisplayName("an external tensor without a location is rejected, naming the tensor")
  void noLocation() {
    byte[] t = concat(text(8, "w"), field(13, entry("offset", "0")), varint(14, 1));
    assertThatThrownBy(() -> read(model(initializer(t))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'w'")
        .hasMessageContaining("m.onnx")
        .hasMessageContaining("no 'location'");
  }

  @Test
  @DisplayName("an offset that is not a non-negative number is rejected, naming tensor and file")
  void badOffset() {
    for (String offset : new String[] {"-4", "twelve", ""}) {
      assertThatThrownBy(
              () -> read(model(initializer(externalTensor("w", "w.bin", offset)))), offset)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'w'")
          .hasMessageContaining("'w.bin'")
          .hasMessageContaining("invalid offset '" + offset + "'");
    }
  }

  @Test
  @DisplayName("3 GB of inline weights are skipped without being read")
  void hugeInlineWeightsAreSkipped() throws Exception {
    long weights = 3L << 30;
    byte[] tensorHead = concat(varint(1, weights / 4), varint(2, 1), text(8, "w"));
    byte[] rawHead = header(9, weights);
    long tensorLength = tensorHead.length + rawHead.length + weights;
    byte[] graphHead = concat(header(5, tensorLength), tensorHead, rawHead);
    // The inputs and outputs come after the weights: reading them proves the skip landed right.
    byte[] fullModel = model();
    byte[] graphTail = graphFieldsOf(fullModel);
    long graphLength = graphHead.length + weights + graphTail.length;
    byte[] head = concat(varint(1, 8), header(7, graphLength), graphHead);
    byte[] tail = concat(graphTail, field(8, concat(text(1, ""), varint(2, 13))));
    CountingStream in = new CountingStream(head, weights, tail);

    OnnxGraph g = OnnxGraph.read(in, "huge.onnx");

    assertThat(g.signature().inputs()).containsExactly(TensorSpec.of("x", DataType.FLOAT32, -1, 2));
    assertThat(g.opsets()).containsEntry("", 13L);
    assertThat(in.bytesRead).isLessThan(1 << 16);
  }

  /** The graph fields of a model built by {@link OnnxBytes#model}, without their header. */
  private static byte[] graphFieldsOf(byte[] model) throws Exception {
    ProtoReader r = new ProtoReader(new ByteArrayInputStream(model));
    while (r.next()) {
      if (r.field() == 7) {
        return r.bytes();
      }
      r.skip();
    }
    throw new AssertionError("no graph");
  }

  /** {@code head}, then {@code gap} zero bytes that can be skipped, then {@code tail}. */
  private static final class CountingStream extends InputStream {
    private final byte[] head;
    private final long gap;
    private final byte[] tail;
    private long position;
    long bytesRead;

    CountingStream(byte[] head, long gap, byte[] tail) {
      this.head = head;
      this.gap = gap;
      this.tail = tail;
    }

    @Override
    public int read() {
      long total = head.length + gap + tail.length;
      if (position >= total) {
        return -1;
      }
      int b;
      if (position < head.length) {
        b = head[(int) position] & 0xFF;
      } else if (position < head.length + gap) {
        b = 0;
      } else {
        b = tail[(int) (position - head.length - gap)] & 0xFF;
      }
      position++;
      bytesRead++;
      return b;
    }

    @Override
    public long skip(long n) {
      long total = head.length + gap + tail.length;
      long skipped = Math.max(0, Math.min(n, total - position));
      position += skipped;
      return skipped;
    }
  }
}
