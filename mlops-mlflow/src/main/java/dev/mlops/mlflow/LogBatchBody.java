package dev.mlops.mlflow;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON body of {@code runs/log-batch}, streamed straight to bytes: the hot path of metric
 * logging, so no intermediate tree is built. Field names and types as in MLflow's {@code LogBatch}
 * message; int64 fields as JSON numbers.
 */
final class LogBatchBody {

  private LogBatchBody() {}

  static byte[] write(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + metrics.size() * 80);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("run_id", runId);
      if (!metrics.isEmpty()) {
        g.writeArrayFieldStart("metrics");
        for (Metric m : metrics) {
          g.writeStartObject();
          g.writeStringField("key", m.key());
          g.writeNumberField("value", m.value());
          g.writeNumberField("timestamp", m.timestamp());
          g.writeNumberField("step", m.step());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (!params.isEmpty()) {
        g.writeArrayFieldStart("params");
        for (Param p : params) {
          keyValue(g, p.key(), p.value());
        }
        g.writeEndArray();
      }
      if (!tags.isEmpty()) {
        g.writeArrayFieldStart("tags");
        for (Tag t : tags) {
          keyValue(g, t.key(), t.value());
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize a log-batch body", e);
    }
    return out.toByteArray();
  }

  private static void keyValue(JsonGenerator g, String key, String value) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", key);
    g.writeStringField("value", value);
    g.writeEndObject();
  }
}
