package dev.mlops.internal.mlmodel;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors as nested JSON lists, the way MLflow stores an {@code ndarray} input example: {@code
 * input_example.json} holds {@code {"x": [[1.0, 2.0], ...]}} (one key per input) and {@code
 * serving_input_example.json} wraps the same in {@code {"inputs": ...}}, a ready request body for
 * MLflow's scoring protocol.
 */
public final class TensorJson {

  /** The example file name. */
  public static final String EXAMPLE_FILE = "input_example.json";

  /** The serving request file name. */
  public static final String SERVING_FILE = "serving_input_example.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TensorJson() {}

  /** {@code {"name": nested list, ...}}. */
  public static String writeExample(Map<String, Tensor> tensors) {
    return write(tensors, false);
  }

  /** {@code {"inputs": {"name": nested list, ...}}}. */
  public static String writeServingInput(Map<String, Tensor> tensors) {
    return write(tensors, true);
  }

  private static String write(Map<String, Tensor> tensors, boolean wrap) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      if (wrap) {
        g.writeStartObject();
        g.writeFieldName("inputs");
      }
      g.writeStartObject();
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        g.writeFieldName(e.getKey());
        writeTensor(g, e.getValue());
      }
      g.writeEndObject();
      if (wrap) {
        g.writeEndObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeTensor(JsonGenerator g, Tensor t) throws IOException {
    long[] shape = t.shape();
    Object values =
        switch (t.type()) {
          case FLOAT32 -> t.toFloatArray();
          case INT32, INT64 -> t.toLongArray();
          case BOOL -> t.toBooleanArray();
          case STRING -> t.toStringArray();
          default -> t.toDoubleArray();
        };
    int[] next = {0};
    writeLevel(g, values, shape, 0, next);
  }

  private static void writeLevel(JsonGenerator g, Object values, long[] shape, int axis, int[] next)
      throws IOException {
    if (axis == shape.length) {
      int i = next[0]++;
      if (values instanceof float[] f) {
        g.writeNumber(f[i]);
      } else if (values instanceof long[] l) {
        g.writeNumber(l[i]);
      } else if (values instanceof boolean[] b) {
        g.writeBoolean(b[i]);
      } else if (values instanceof String[] s) {
        g.writeString(s[i]);
      } else {
        g.writeNumber(((double[]) values)[i]);
      }
      return;
    }
    g.writeStartArray();
    for (long k = 0; k < shape[axis]; k++) {
      writeLevel(g, values, shape, axis + 1, next);
    }
    g.writeEndArray();
  }

  /**
   * Reads an example file back as tensors of the types in {@code specs}: {@code {"name": list}}, or
   * a bare list for a model with one input.
   */
  public static Map<String, Tensor> readExample(Path file, List<TensorSpec> specs) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException("Input example '" + file + "' is not valid JSON: " + e, e);
    }
    if (root.has("inputs") && root.size() == 1) {
      root = root.get("inputs");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    if (root.isArray()) {
      if (specs.size() != 1) {
        throw new InvalidInputException(
            "Input example '"
                + file
                + "' is one list, but the model has "
                + specs.size()
                + " inputs: it needs an object keyed by input name.");
      }
      out.put(specs.get(0).name(), toTensor(root, specs.get(0).type()));
      return out;
    }
    for (TensorSpec spec : specs) {
      JsonNode node = root.get(spec.name());
      if (node != null) {
        out.put(spec.name(), toTensor(node, spec.type()));
      }
    }
    return out;
  }

  private static Tensor toTensor(JsonNode node, DataType type) {
    List<Long> shape = new ArrayList<>();
    JsonNode n = node;
    while (n.isArray()) {
      shape.add((long) n.size());
      if (n.isEmpty()) {
        break;
      }
      n = n.get(0);
    }
    List<JsonNode> leaves = new ArrayList<>();
    flatten(node, leaves);
    long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
    int size = leaves.size();
    return switch (type) {
      case FLOAT32 -> {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
          v[i] = (float) leaves.get(i).asDouble();
        }
        yield Tensor.of(v, dims);
      }
      case INT32 -> {
        int[] v = new int[size];
        for (int i = 0; i < size; i++) {
          v[i] = leaves.get(i).asInt();
        }
        yield Tensor.of(v, dims);
      }
      case INT64 -> {
        long[] v = new long[size];
        for (int i = 0; i < size; i++) {
          v[i] = leaves.get(i).asLong();
        }
        yield Tensor.of(v, dims);
      }
      case BOOL -> {
        boolean[] v = new boolean[size];
        for (int i = 0; i < size; i++) {
          v[i] = leaves.get(i).asBoolean();
        }
        yield Tensor.of(v, dims);
      }
      case STRING -> {
        String[] v = new String[size];
        for (int i = 0; i < size; i++) {
          v[i] = leaves.get(i).asText();
        }
        yield Tensor.of(v, dims);
      }
      default -> {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
          v[i] = leaves.get(i).asDouble();
        }
        yield Tensor.of(v, dims);
      }
    };
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, out));
    } else {
      out.add(node);
    }
  }
}
