package dev.mlops.internal.mlmodel;

import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.TensorSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an ONNX file says about itself: IR version, opsets, producer, and the graph's inputs and
 * outputs as a {@link ModelSignature}. Read straight from the protobuf wire format ({@code
 * onnx.proto}: ModelProto, GraphProto, ValueInfoProto, TypeProto.Tensor, TensorShapeProto),
 * skipping the weights. Graph inputs that are also initializers (older exporters list weights as
 * inputs) are left out; inputs and outputs that are not tensors (sequences, maps) are left out too.
 * A symbolic or missing dimension becomes -1.
 *
 * <p>Tensors that keep their data in files beside the model ({@link ExternalTensor}) are listed,
 * wherever they are: initializers, sparse initializers, node attributes, subgraphs, functions. The
 * file is read as a stream and tensor data is skipped, so a model with gigabytes of inline weights
 * costs little more to read than its graph.
 *
 * @param irVersion {@code ModelProto.ir_version}
 * @param opsets opset version by domain ({@code ""} is the default ONNX domain)
 * @param producerName the exporting tool, "" when not set
 * @param signature tensor inputs and outputs
 * @param externalData the tensors whose data is in external files, in file order
 */
public record OnnxGraph(
    long irVersion,
    Map<String, Long> opsets,
    String producerName,
    ModelSignature signature,
    List<ExternalTensor> externalData) {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxGraph.class);

  public OnnxGraph {
    opsets = Map.copyOf(opsets);
    externalData = List.copyOf(externalData);
  }

  /**
   * Reads {@code file}.
   *
   * @throws InvalidInputException when the file is missing or is not an ONNX model
   */
  public static OnnxGraph read(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return read(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(
          "ONNX file '" + file.toAbsolutePath() + "' does not exist. Check the path.", e);
    } catch (IOException e) {
      throw notOnnx(file.toString(), e);
    }
  }

  /** Reads a model from {@code in}; {@code source} names it in errors. */
  static OnnxGraph read(InputStream in, String source) {
    try {
      ProtoReader r = new ProtoReader(in);
      TensorWalker tensors = new TensorWalker(r, source);
      long ir = -1;
      Map<String, Long> opsets = new LinkedHashMap<>();
      String producer = "";
      @Nullable Graph graph = null;
      while (r.next()) {
        switch (r.field()) {
          case 1 -> ir = r.varint();
          case 2 -> producer = r.string();
          case 7 -> {
            long outer = r.enter();
            graph = readGraph(r, tensors);
            r.exit(outer);
          }
          case 25 -> {
            if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
              tensors.function();
            } else {
              r.skip();
            }
          }
          case 8 -> {
            long outer = r.enter();
            readOpset(r, opsets);
            r.exit(outer);
          }
          default -> r.skip();
        }
      }
      if (ir < 0 || graph == null) {
        throw new IOException(
            "no " + (ir < 0 ? "ir_version" : "graph") + " field: not an ONNX ModelProto");
      }
      return new OnnxGraph(ir, opsets, producer, graph.signature(), tensors.external());
    } catch (IOException e) {
      throw notOnnx(source, e);
    }
  }

  private static InvalidInputException notOnnx(String source, IOException e) {
    return new InvalidInputException(
        "'"
            + source
            + "' is not a readable ONNX model ("
            + e.getMessage()
            + "). Pass the .onnx file an exporter wrote (e.g. torch.onnx.export, skl2onnx).",
        e);
  }

  private static void readOpset(ProtoReader r, Map<String, Long> opsets) throws IOException {
    String domain = "";
    long version = 0;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> domain = r.string();
        case 2 -> version = r.varint();
        default -> r.skip();
      }
    }
    opsets.put(domain, version);
  }

  private record Graph(List<Value> inputs, List<Value> outputs, Set<String> initializers) {
    ModelSignature signature() {
      List<TensorSpec> in = new ArrayList<>();
      for (Value v : inputs) {
        if (!initializers.contains(v.name()) && v.spec() != null) {
          in.add(v.spec());
        }
      }
      List<TensorSpec> out = new ArrayList<>();
      for (Value v : outputs) {
        if (v.spec() != null) {
          out.add(v.spec());
        }
      }
      return new ModelSignature(in, out);
    }
  }

  private record Value(String name, @Nullable TensorSpec spec) {}

  private static Graph readGraph(ProtoReader r, TensorWalker tensors) throws IOException {
    List<Value> inputs = new ArrayList<>();
    List<Value> outputs = new ArrayList<>();
    Set<String> initializers = new HashSet<>();
    while (r.next()) {
      if (r.wireType() != ProtoReader.LENGTH_DELIMITED) {
        r.skip();
        continue;
      }
      switch (r.field()) {
        case 1 -> tensors.node(0);
        case 5 -> initializers.add(tensors.tensor());
        case 15 -> initializers.add(tensors.sparseTensor());
        case 11, 12 -> {
          int field = r.field();
          long outer = r.enter();
          Value v = readValueInfo(r);
          r.exit(outer);
          (field == 11 ? inputs : outputs).add(v);
        }
        default -> r.skip();
      }
    }
    return new Graph(inputs, outputs, initializers);
  }

  private static Value readValueInfo(ProtoReader r) throws IOException {
    String name = "";
    int elemType = -1;
    @Nullable List<Long> dims = null;
    boolean tensor = false;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> name = r.string();
        case 2 -> {
          long outerType = r.enter();
          while (r.next()) {
            if (r.field() == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
              tensor = true;
              long outerTensor = r.enter();
              while (r.next()) {
                switch (r.field()) {
                  case 1 -> elemType = (int) r.varint();
                  case 2 -> {
                    long outerShape = r.enter();
                    dims = readShape(r);
                    r.exit(outerShape);
                  }
                  default -> r.skip();
                }
              }
              r.exit(outerTensor);
            } else {
              r.skip();
            }
          }
          r.exit(outerType);
        }
        default -> r.skip();
      }
    }
    if (!tensor || elemType < 0) {
      LOG.debug("Leaving non-tensor value '{}' out of the signature", name);
      return new Value(name, null);
    }
    DataType type;
    try {
      type = DataType.fromOnnx(elemType);
    } catch (InvalidInputException e) {
      LOG.debug("Leaving '{}' of ONNX element type {} out of the signature", name, elemType);
      return new Value(name, null);
    }
    // No shape at all means the rank is unknown: one variable dimension is the closest spec.
    return new Value(name, new TensorSpec(name, type, dims == null ? List.of(-1L) : dims));
  }

  private static List<Long> readShape(ProtoReader r) throws IOException {
    List<Long> dims = new ArrayList<>();
    while (r.next()) {
      if (r.field() == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        long outer = r.enter();
        long value = -1;
        while (r.next()) {
          if (r.field() == 1 && r.wireType() == ProtoReader.VARINT) {
            value = r.varint();
          } else {
            r.skip();
          }
        }
        r.exit(outer);
        dims.add(value < 0 ? -1L : value);
      } else {
        r.skip();
      }
    }
    return dims;
  }
}
