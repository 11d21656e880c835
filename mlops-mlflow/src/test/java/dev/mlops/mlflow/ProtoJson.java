package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mlflow_project.google.protobuf.Descriptors.Descriptor;
import org.mlflow_project.google.protobuf.Descriptors.FieldDescriptor;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * MLflow's official protobuf messages (from {@code org.mlflow:mlflow-client}) as JSON: strict
 * parsing (an unknown or mistyped field fails) and printing, with int64 fields either as proto3
 * JSON strings or as the JSON numbers real MLflow servers send.
 */
final class ProtoJson {

  private static final JsonFormat.Parser STRICT = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private ProtoJson() {}

  /** Parses {@code json} into {@code builder} strictly; throws on any deviation. */
  static <B extends Message.Builder> B parseStrict(String json, B builder)
      throws InvalidProtocolBufferException {
    STRICT.merge(json.isBlank() ? "{}" : json, builder);
    return builder;
  }

  /**
   * Query parameters as the JSON MLflow's server builds from them before parsing: repeated fields
   * become arrays, every other value a string (the parser accepts strings for numbers and enums).
   */
  static String queryAsJson(Map<String, List<String>> query, Descriptor descriptor) {
    ObjectNode json = Json.object();
    query.forEach(
        (name, values) -> {
          FieldDescriptor field = descriptor.findFieldByName(name);
          if (field != null && field.isRepeated()) {
            ArrayNode array = json.putArray(name);
            values.forEach(array::add);
          } else if (field != null && field.getType() == FieldDescriptor.Type.BOOL) {
            json.put(name, Boolean.parseBoolean(values.get(values.size() - 1)));
          } else {
            json.put(name, values.get(values.size() - 1));
          }
        });
    return Json.write(json);
  }

  /** Prints {@code message}; with {@code int64AsNumbers} as a real MLflow server would. */
  static String print(Message message, boolean int64AsNumbers) {
    try {
      String json = PRINTER.print(message);
      if (!int64AsNumbers) {
        return json;
      }
      JsonNode tree = Json.MAPPER.readTree(json);
      numbers(tree, message.getDescriptorForType());
      return Json.write(tree);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot print " + message.getDescriptorForType(), e);
    }
  }

  private static void numbers(JsonNode node, Descriptor descriptor) {
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      FieldDescriptor field = descriptor.findFieldByName(name);
      if (field == null) {
        continue;
      }
      JsonNode value = object.get(name);
      switch (field.getJavaType()) {
        case LONG -> {
          if (field.isRepeated()) {
            ArrayNode converted = Json.MAPPER.createArrayNode();
            value.forEach(v -> converted.add(Long.parseLong(v.asText())));
            object.set(name, converted);
          } else {
            object.put(name, Long.parseLong(value.asText()));
          }
        }
        case MESSAGE -> {
          if (field.isMapField()) {
            continue;
          }
          if (value.isArray()) {
            value.forEach(v -> numbers(v, field.getMessageType()));
          } else {
            numbers(value, field.getMessageType());
          }
        }
        default -> {}
      }
    }
  }
}
