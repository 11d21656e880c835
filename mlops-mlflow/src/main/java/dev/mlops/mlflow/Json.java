package dev.mlops.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.MlopsException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reading MLflow's JSON leniently and writing it strictly. Reading: int64 fields come as JSON
 * numbers (MLflow servers) or strings (proto3 JSON printers); a missing field, {@code null} or
 * {@code ""} means "not set". Writing: snake_case field names as in MLflow's protos, int64 as JSON
 * numbers, unset fields left out.
 */
final class Json {

  /** Shortest round-tripping doubles, written and read with Jackson's fast number codecs. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The parsed body, or null when it is not a JSON object. */
  static @Nullable JsonNode parseOrNull(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The text of {@code field}, "" when missing or null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** The text of {@code field}, null when missing, null or empty. */
  static @Nullable String textOrNull(JsonNode node, String field) {
    String s = text(node, field);
    return s.isEmpty() ? null : s;
  }

  /** An int64 field sent as a number or a string; {@code fallback} when missing or empty. */
  static long int64(JsonNode node, String field, long fallback) {
    Long v = int64OrNull(node, field);
    return v == null ? fallback : v;
  }

  /** An int64 field sent as a number or a string; null when missing, null or empty. */
  static @Nullable Long int64OrNull(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return (long) v.asDouble();
    }
    String s = v.asText().strip();
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new MlopsException(
          "The MLflow server sent '" + s + "' for the whole-number field '" + field + "'.");
    }
  }

  /** A double sent as a number or a string ("NaN", "Infinity" included). */
  static double float64(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0.0;
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    String s = v.asText().strip();
    try {
      return switch (s) {
        case "" -> 0.0;
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(s);
      };
    } catch (NumberFormatException e) {
      throw new MlopsException(
          "The MLflow server sent '" + s + "' for the number field '" + field + "'.");
    }
  }

  /** The elements of a repeated field; an empty array when missing. */
  static Iterable<JsonNode> list(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isArray() ? v : MAPPER.createArrayNode();
  }

  /** A repeated {@code {key, value}} field as a map, in order. */
  static Map<String, String> keyValues(JsonNode node, String field) {
    Map<String, String> map = new LinkedHashMap<>();
    for (JsonNode kv : list(node, field)) {
      map.put(text(kv, "key"), text(kv, "value"));
    }
    return map;
  }

  /** {@code {key, value}} objects from a map, for repeated tag fields. */
  static ArrayNode keyValueArray(Map<String, String> map) {
    ArrayNode array = MAPPER.createArrayNode();
    map.forEach((k, v) -> array.addObject().put("key", k).put("value", v));
    return array;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }
}
