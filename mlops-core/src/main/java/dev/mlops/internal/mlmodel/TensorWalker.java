package dev.mlops.internal.mlmodel;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the tensors of an ONNX graph that keep their data in external files: initializers, sparse
 * initializers, and tensors in node attributes ({@code Constant} values), in subgraphs ({@code If},
 * {@code Loop}, {@code Scan}) and in functions too. Works on a {@link ProtoReader} positioned
 * inside the message to read; tensor data is skipped, never read. Not thread-safe.
 */
final class TensorWalker {

  /** {@code TensorProto.DataLocation.EXTERNAL}. */
  static final int EXTERNAL = 1;

  /** Deepest subgraph nesting read; protobuf itself stops at 100 nested messages. */
  private static final int MAX_DEPTH = 32;

  private final ProtoReader r;
  private final String source;
  private final List<ExternalTensor> external = new ArrayList<>();

  TensorWalker(ProtoReader r, String source) {
    this.r = r;
    this.source = source;
  }

  /** The external tensors met so far, in file order. */
  List<ExternalTensor> external() {
    return List.copyOf(external);
  }

  /** Reads the current field as a {@code TensorProto}; returns its name. */
  String tensor() throws IOException {
    long outer = r.enter();
    String name = "";
    boolean isExternal = false;
    @Nullable String location = null;
    @Nullable String offset = null;
    @Nullable String length = null;
    while (r.next()) {
      if (r.field() == 8 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        name = r.string();
      } else if (r.field() == 14 && r.wireType() == ProtoReader.VARINT) {
        isExternal = r.varint() == EXTERNAL;
      } else if (r.field() == 13 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        String[] entry = entry();
        switch (entry[0]) {
          case "location" -> location = entry[1];
          case "offset" -> offset = entry[1];
          case "length" -> length = entry[1];
          default -> {
            // "checksum" and others: nothing to check here
          }
        }
      } else {
        r.skip();
      }
    }
    r.exit(outer);
    if (isExternal) {
      external.add(
          new ExternalTensor(
              name,
              require(name, location),
              number(name, location, "offset", offset, 0),
              number(name, location, "length", length, -1)));
    }
    return name;
  }

  /** Reads the current field as a {@code SparseTensorProto}; returns its values' name. */
  String sparseTensor() throws IOException {
    long outer = r.enter();
    String name = "";
    while (r.next()) {
      if (r.field() == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        name = tensor();
      } else if (r.field() == 2 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        tensor();
      } else {
        r.skip();
      }
    }
    r.exit(outer);
    return name;
  }

  /** Reads the current field as a {@code NodeProto}, looking into its attributes. */
  void node(int depth) throws IOException {
    long outer = r.enter();
    while (r.next()) {
      if (r.field() == 5 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        attribute(depth);
      } else {
        r.skip();
      }
    }
    r.exit(outer);
  }

  /** Reads the current field as a {@code FunctionProto}, looking into its nodes. */
  void function() throws IOException {
    long outer = r.enter();
    while (r.next()) {
      if (r.field() == 7 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        node(0);
      } else {
        r.skip();
      }
    }
    r.exit(outer);
  }

  private void attribute(int depth) throws IOException {
    long outer = r.enter();
    while (r.next()) {
      if (r.wireType() != ProtoReader.LENGTH_DELIMITED) {
        r.skip();
        continue;
      }
      switch (r.field()) {
        case 5, 10 -> tensor(); // t, tensors
        case 22, 23 -> sparseTensor(); // sparse_tensor, sparse_tensors
        case 6, 11 -> subgraph(depth + 1); // g, graphs
        default -> r.skip();
      }
    }
    r.exit(outer);
  }

  private void subgraph(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("Subgraphs nested deeper than " + MAX_DEPTH + " levels");
    }
    long outer = r.enter();
    while (r.next()) {
      if (r.wireType() != ProtoReader.LENGTH_DELIMITED) {
        r.skip();
        continue;
      }
      switch (r.field()) {
        case 1 -> node(depth);
        case 5 -> tensor();
        case 15 -> sparseTensor();
        default -> r.skip();
      }
    }
    r.exit(outer);
  }

  /** A {@code StringStringEntryProto} as {key, value}. */
  private String[] entry() throws IOException {
    long outer = r.enter();
    String key = "";
    String value = "";
    while (r.next()) {
      if (r.field() == 1 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        key = r.string();
      } else if (r.field() == 2 && r.wireType() == ProtoReader.LENGTH_DELIMITED) {
        value = r.string();
      } else {
        r.skip();
      }
    }
    r.exit(outer);
    return new String[] {key, value};
  }

  private String require(String tensor, @Nullable String location) {
    if (location == null) {
      throw new InvalidInputException(
          "Tensor '"
              + tensor
              + "' of ONNX model '"
              + source
              + "' is marked as external data but names no 'location' file. Re-save the model"
              + " with onnx.save_model(model, path, save_as_external_data=True).");
    }
    return location;
  }

  private long number(
      String tensor, @Nullable String location, String key, @Nullable String value, long absent) {
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(
        "Tensor '"
            + tensor
            + "' of ONNX model '"
            + source
            + "' gives its external data in '"
            + location
            + "' an invalid "
            + key
            + " '"
            + value
            + "': it must be a non-negative whole number of bytes. Re-save the model with"
            + " onnx.save_model(model, path, save_as_external_data=True).");
  }
}
