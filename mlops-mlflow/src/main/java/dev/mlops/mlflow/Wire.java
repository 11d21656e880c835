package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.Experiment;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.RegisteredModel;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * MLflow's JSON entities ({@code Experiment}, {@code Run}, {@code RegisteredModel}, {@code
 * ModelVersion}, ...) read into the SDK's records, leniently: missing fields take MLflow's
 * defaults.
 */
final class Wire {

  private Wire() {}

  static Experiment experiment(JsonNode e) {
    return new Experiment(
        Json.text(e, "experiment_id"),
        Json.text(e, "name"),
        Json.text(e, "artifact_location"),
        lifecycle(e),
        Json.keyValues(e, "tags"),
        Json.int64(e, "creation_time", 0),
        Json.int64(e, "last_update_time", 0));
  }

  static RunInfo runInfo(JsonNode info) {
    String runId = Json.text(info, "run_id");
    if (runId.isEmpty()) {
      runId = Json.text(info, "run_uuid");
    }
    String status = Json.text(info, "status");
    return new RunInfo(
        runId,
        Json.text(info, "experiment_id"),
        Json.text(info, "run_name"),
        status.isEmpty() ? RunStatus.RUNNING : RunStatus.fromWire(status),
        Json.int64(info, "start_time", 0),
        Json.int64OrNull(info, "end_time"),
        Json.text(info, "artifact_uri"),
        lifecycle(info),
        Json.text(info, "user_id"));
  }

  static Run run(JsonNode run) {
    JsonNode info = run.path("info");
    JsonNode data = run.path("data");
    Map<String, String> tags = Json.keyValues(data, "tags");
    RunInfo runInfo = runInfo(info);
    if (runInfo.runName().isEmpty() && tags.containsKey("mlflow.runName")) {
      runInfo =
          new RunInfo(
              runInfo.runId(),
              runInfo.experimentId(),
              tags.get("mlflow.runName"),
              runInfo.status(),
              runInfo.startTime(),
              runInfo.endTime(),
              runInfo.artifactUri(),
              runInfo.lifecycleStage(),
              runInfo.userId());
    }
    Map<String, Metric> metrics = new LinkedHashMap<>();
    for (JsonNode m : Json.list(data, "metrics")) {
      Metric metric = metric(m);
      metrics.put(metric.key(), metric);
    }
    return new Run(runInfo, Json.keyValues(data, "params"), metrics, tags);
  }

  static Metric metric(JsonNode m) {
    return new Metric(
        Json.text(m, "key"),
        Json.float64(m, "value"),
        Json.int64(m, "timestamp", 0),
        Json.int64(m, "step", 0));
  }

  static RegisteredModel registeredModel(JsonNode m) {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    for (JsonNode a : Json.list(m, "aliases")) {
      aliases.put(Json.text(a, "alias"), version(a, "version"));
    }
    return new RegisteredModel(
        Json.text(m, "name"),
        Json.int64(m, "creation_timestamp", 0),
        Json.int64(m, "last_updated_timestamp", 0),
        Json.textOrNull(m, "description"),
        Json.keyValues(m, "tags"),
        aliases);
  }

  static ModelVersion modelVersion(JsonNode v) {
    List<String> aliases = new ArrayList<>();
    for (JsonNode a : Json.list(v, "aliases")) {
      aliases.add(a.asText());
    }
    String stage = Json.text(v, "current_stage");
    String status = Json.text(v, "status");
    return new ModelVersion(
        Json.text(v, "name"),
        version(v, "version"),
        Json.int64(v, "creation_timestamp", 0),
        Json.int64(v, "last_updated_timestamp", 0),
        Json.textOrNull(v, "description"),
        Json.text(v, "source"),
        Json.textOrNull(v, "run_id"),
        status.isEmpty() ? "READY" : status,
        stage.isEmpty() ? ModelStage.NONE : ModelStage.fromWire(stage),
        Json.keyValues(v, "tags"),
        aliases);
  }

  /** MLflow's string version numbers ({@code "3"}), read as numbers; 0 when missing. */
  static int version(JsonNode node, String field) {
    return (int) Json.int64(node, field, 0);
  }

  static @Nullable String pageToken(JsonNode response) {
    return Json.textOrNull(response, "next_page_token");
  }

  private static LifecycleStage lifecycle(JsonNode node) {
    String s = Json.text(node, "lifecycle_stage");
    return s.isEmpty() ? LifecycleStage.ACTIVE : LifecycleStage.fromWire(s);
  }
}
