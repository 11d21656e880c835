package dev.mlops.internal.mlmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MLflow's JSON for one side of a signature ({@code signature.inputs} / {@code outputs} in {@code
 * MLmodel}): a list of tensor specs, written as Python's {@code json.dumps} writes them.
 *
 * <pre>
 * [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "x"}]
 * </pre>
 *
 * <p>Reading also accepts MLflow's column schemas ({@code [{"type": "double", "name": "a"}]}), each
 * column becoming a rank-1 tensor of any length.
 */
final class SignatureJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SignatureJson() {}

  static String write(List<TensorSpec> specs) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec s = specs.get(i);
      sb.append(i == 0 ? "" : ", ")
          .append("{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"")
          .append(s.type().mlflowName())
          .append("\", \"shape\": [");
      for (int d = 0; d < s.shape().size(); d++) {
        sb.append(d == 0 ? "" : ", ").append(s.shape().get(d));
      }
      sb.append("]}");
      if (!s.name().isEmpty()) {
        sb.append(", \"name\": ").append(quote(s.name()));
      }
      sb.append('}');
    }
    return sb.append(']').toString();
  }

  /**
   * @throws InvalidInputException when the JSON is not a schema this SDK can represent
   */
  static List<TensorSpec> read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "Signature schema is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new InvalidInputException("Signature schema must be a JSON list, got: " + json);
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (JsonNode item : root) {
      String name = item.path("name").asText("");
      String type = item.path("type").asText("");
      if (type.equals("tensor")) {
        JsonNode spec = item.path("tensor-spec");
        List<Long> shape = new ArrayList<>();
        for (JsonNode d : spec.path("shape")) {
          shape.add(d.asLong());
        }
        specs.add(new TensorSpec(name, DataType.fromMlflow(spec.path("dtype").asText("")), shape));
      } else {
        specs.add(new TensorSpec(name, columnType(type, name), List.of(-1L)));
      }
    }
    return specs;
  }

  private static DataType columnType(String type, String name) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "double" -> DataType.FLOAT64;
      case "float" -> DataType.FLOAT32;
      case "long" -> DataType.INT64;
      case "integer" -> DataType.INT32;
      case "boolean" -> DataType.BOOL;
      case "string" -> DataType.STRING;
      default ->
          throw new InvalidInputException(
              "Signature column '" + name + "' has type '" + type + "', which has no tensor form.");
    };
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
