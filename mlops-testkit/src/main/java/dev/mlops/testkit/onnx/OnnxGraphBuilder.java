package dev.mlops.testkit.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>With {@link #externalData(String)}, the initializers' bytes go to a separate file instead
 * ({@code data_location = EXTERNAL}, with {@code location}, {@code offset} and {@code length}
 * entries), as {@code onnx.save_model(..., save_as_external_data=True)} writes them: {@link
 * #build()} is then the graph alone and {@link #externalFiles()} the data file to write beside it.
 * Not thread-safe.
 */
public final class OnnxGraphBuilder {

  /** ONNX element type numbers ({@code TensorProto.DataType}). */
  public static final int FLOAT = 1;

  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int DOUBLE = 11;

  /** {@code TensorProto.DataLocation.EXTERNAL}. */
  private static final int EXTERNAL = 1;

  private final ProtoWriter graph = new ProtoWriter();
  private final List<Initializer> initializers = new ArrayList<>();
  private @Nullable String externalLocation;
  private int nodes;

  private record Initializer(String name, int type, byte[] raw, long[] dims) {}

  /** A built model: the ModelProto and the external data files it points at. */
  private record Built(byte[] model, Map<String, byte[]> files) {}

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

  /**
   * Keeps every initializer's data in the file {@code location} (relative to the model file, e.g.
   * {@code "model.onnx.data"} or {@code "weights/linear.bin"}), one after the other, instead of
   * inline. The location is written as given, so tests can also write invalid ones.
   */
  public OnnxGraphBuilder externalData(String location) {
    this.externalLocation = location;
    return this;
  }

  /** The serialized {@code ModelProto}. */
  public byte[] build() {
    return assemble().model();
  }

  /**
   * The external data files by location (relative to the model file), to write beside {@link
   * #build()}'s model; empty unless {@link #externalData(String)} was called.
   */
  public Map<String, byte[]> externalFiles() {
    return assemble().files();
  }

  private Built assemble() {
    ProtoWriter g = new ProtoWriter().append(graph);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Initializer i : initializers) {
      ProtoWriter t = new ProtoWriter();
      for (long d : i.dims()) {
        t.varint(1, d);
      }
      t.varint(2, i.type());
      t.string(8, i.name());
      if (externalLocation == null) {
        t.bytes(9, i.raw());
      } else {
        t.message(13, entry("location", externalLocation));
        t.message(13, entry("offset", Integer.toString(data.size())));
        t.message(13, entry("length", Integer.toString(i.raw().length)));
        t.varint(14, EXTERNAL);
        data.writeBytes(i.raw());
      }
      g.message(5, t);
    }
    ProtoWriter model = new ProtoWriter();
    model.varint(1, 8); // ir_version
    model.string(2, "mlops-testkit");
    model.string(3, "1");
    model.message(7, g);
    model.message(8, new ProtoWriter().string(1, "").varint(2, 13));
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (externalLocation != null) {
      files.put(externalLocation, data.toByteArray());
    }
    return new Built(model.toByteArray(), Collections.unmodifiableMap(files));
  }

  private static ProtoWriter entry(String key, String value) {
    return new ProtoWriter().string(1, key).string(2, value);
  }

  private OnnxGraphBuilder initializer(String name, int type, byte[] raw, long... dims) {
    initializers.add(new Initializer(name, type, raw, dims.clone()));
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
