package dev.mlops.testkit.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds an ONNX {@code ModelProto} (IR version 8, default-domain opset 13) by hand: graph inputs
 * and outputs, initializers and nodes. Field numbers follow {@code onnx.proto}.
 *
 * <pre>{@code
 * byte[] model = new OnnxGraphBuilder("linear")
 *     .input("x", OnnxGraphBuilder.FLOAT, "batch", 4)
 *     .floats("w", new float[] {1, 2, 3, 4}, 4, 1)
 *     .node("MatMul", new String[] {"x", "w"}, new String[] {"y"})
 *     .output("y", OnnxGraphBuilder.FLOAT, "batch", 1)
 *     .build();
 * }</pre>
 */
public final class OnnxGraphBuilder {

  /** ONNX element type numbers ({@code TensorProto.DataType}). */
  public static final int FLOAT = 1;

  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int DOUBLE = 11;

  private final ProtoWriter graph = new ProtoWriter();
  private int nodes;

  /** Starts a graph called {@code name}. */
  public OnnxGraphBuilder(String name) {
    graph.string(2, name);
  }

  /**
   * Adds a graph input; each dimension is an {@link Integer}/{@link Long} (fixed) or a {@link
   * String} (symbolic, e.g. {@code "batch"}).
   */
  public OnnxGraphBuilder input(String name, int elemType, Object... dims) {
    graph.message(11, valueInfo(name, elemType, dims));
    return this;
  }

  /** Adds a graph output; dimensions as for {@link #input}. */
  public OnnxGraphBuilder output(String name, int elemType, Object... dims) {
    graph.message(12, valueInfo(name, elemType, dims));
    return this;
  }

  /** Adds a float initializer (a weight) of shape {@code dims}. */
  public OnnxGraphBuilder floats(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return initializer(name, FLOAT, b.array(), dims);
  }

  /** Adds a double initializer of shape {@code dims}. */
  public OnnxGraphBuilder doubles(String name, double[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return initializer(name, DOUBLE, b.array(), dims);
  }

  /** Adds an int64 initializer of shape {@code dims}. */
  public OnnxGraphBuilder longs(String name, long[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return initializer(name, INT64, b.array(), dims);
  }

  /** Adds a node; {@code intAttributes} are name/value pairs of INT attributes. */
  public OnnxGraphBuilder node(
      String opType, String[] inputs, String[] outputs, Object... intAttributes) {
    ProtoWriter node = new ProtoWriter();
    for (String in : inputs) {
      node.string(1, in);
    }
    for (String out : outputs) {
      node.string(2, out);
    }
    node.string(3, opType.toLowerCase(java.util.Locale.ROOT) + "_" + nodes++);
    node.string(4, opType);
    for (int i = 0; i + 1 < intAttributes.length; i += 2) {
      ProtoWriter attr = new ProtoWriter();
      attr.string(1, (String) intAttributes[i]);
      attr.varint(20, 2); // AttributeType.INT
      attr.varint(3, ((Number) intAttributes[i + 1]).longValue());
      node.message(5, attr);
    }
    graph.message(1, node);
    return this;
  }

  /** The serialized {@code ModelProto}. */
  public byte[] build() {
    ProtoWriter model = new ProtoWriter();
    model.varint(1, 8); // ir_version
    model.string(2, "mlops-testkit");
    model.string(3, "1");
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, "").varint(2, 13));
    return model.toByteArray();
  }

  private OnnxGraphBuilder initializer(String name, int type, byte[] raw, long... dims) {
    ProtoWriter t = new ProtoWriter();
    for (long d : dims) {
      t.varint(1, d);
    }
    t.varint(2, type);
    t.string(8, name);
    t.bytes(9, raw);
    graph.message(5, t);
    return this;
  }

  private static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object d : dims) {
      ProtoWriter dim = new ProtoWriter();
      if (d instanceof String param) {
        dim.string(2, param);
      } else {
        dim.varint(1, ((Number) d).longValue());
      }
      shape.message(1, dim);
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, elemType).message(2, shape);
    ProtoWriter type = new ProtoWriter().message(1, tensor);
    return new ProtoWriter().string(1, name).message(2, type);
  }
}
