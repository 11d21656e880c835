package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.Experiment;
import dev.mlops.Metric;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.mlflow.RestClient.Retry;
import dev.mlops.spi.BatchLimits;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link TrackingBackend} over MLflow's tracking REST API: each method is one call ({@code
 * experiments/*}, {@code runs/*}, {@code metrics/get-history}). Core batches, validates and pages;
 * this class only maps. Thread-safe. Made by {@link MlflowTrackingProvider}.
 */
final class MlflowTrackingBackend implements TrackingBackend {

  private static final int IN_FLIGHT_BATCHES = 4;

  private final RestClient rest;

  MlflowTrackingBackend(RestClient rest) {
    this.rest = rest;
  }

  /**
   * MLflow's limits, with several log-batch requests in flight: the server handles them in
   * parallel.
   */
  @Override
  public BatchLimits batchLimits() {
    return BatchLimits.MLFLOW.withMaxInFlight(IN_FLIGHT_BATCHES);
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    ObjectNode body = Json.object().put("name", name);
    if (artifactLocation != null && !artifactLocation.isEmpty()) {
      body.put("artifact_location", artifactLocation);
    }
    if (!tags.isEmpty()) {
      body.set("tags", Json.keyValueArray(tags));
    }
    return Json.text(rest.post("mlflow/experiments/create", body, Retry.UNSAFE), "experiment_id");
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    return find(
        () ->
            Wire.experiment(
                rest.get("mlflow/experiments/get", Map.of("experiment_id", experimentId))
                    .path("experiment")));
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return find(
        () ->
            Wire.experiment(
                rest.get("mlflow/experiments/get-by-name", Map.of("experiment_name", name))
                    .path("experiment")));
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    ObjectNode body = Json.object().put("max_results", query.maxResults());
    if (!query.filter().isBlank()) {
      body.put("filter", query.filter());
    }
    if (!query.orderBy().isEmpty()) {
      ArrayNode order = body.putArray("order_by");
      query.orderBy().forEach(order::add);
    }
    if (query.pageToken() != null) {
      body.put("page_token", query.pageToken());
    }
    body.put("view_type", query.viewType().name());
    JsonNode response = rest.post("mlflow/experiments/search", body, Retry.SAFE);
    List<Experiment> items = new ArrayList<>();
    for (JsonNode e : Json.list(response, "experiments")) {
      items.add(Wire.experiment(e));
    }
    return new Page<>(items, Wire.pageToken(response));
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    rest.post(
        "mlflow/experiments/update",
        Json.object().put("experiment_id", experimentId).put("new_name", newName),
        Retry.UNSAFE);
  }

  @Override
  public void deleteExperiment(String experimentId) {
    rest.post(
        "mlflow/experiments/delete", Json.object().put("experiment_id", experimentId), Retry.SAFE);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    rest.post(
        "mlflow/experiments/restore", Json.object().put("experiment_id", experimentId), Retry.SAFE);
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    rest.post(
        "mlflow/experiments/set-experiment-tag",
        Json.object().put("experiment_id", experimentId).put("key", key).put("value", value),
        Retry.SAFE);
  }

  @Override
  public RunInfo createRun(NewRun run) {
    ObjectNode body =
        Json.object()
            .put("experiment_id", run.experimentId())
            .put("user_id", run.userId())
            .put("run_name", run.runName())
            .put("start_time", run.startTime());
    Map<String, String> tags = new LinkedHashMap<>(run.tags());
    if (run.parentRunId() != null) {
      tags.putIfAbsent("mlflow.parentRunId", run.parentRunId());
    }
    if (!tags.isEmpty()) {
      body.set("tags", Json.keyValueArray(tags));
    }
    JsonNode response = rest.post("mlflow/runs/create", body, Retry.UNSAFE);
    return Wire.run(response.path("run")).info();
  }

  @Override
  public Optional<Run> getRun(String runId) {
    return find(() -> Wire.run(rest.get("mlflow/runs/get", Map.of("run_id", runId)).path("run")));
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {
    ObjectNode body = Json.object().put("run_id", runId).put("status", status.name());
    if (endTime != null) {
      body.put("end_time", endTime.longValue());
    }
    if (runName != null) {
      body.put("run_name", runName);
    }
    rest.post("mlflow/runs/update", body, Retry.SAFE);
  }

  @Override
  public void deleteRun(String runId) {
    rest.post("mlflow/runs/delete", Json.object().put("run_id", runId), Retry.SAFE);
  }

  @Override
  public void restoreRun(String runId) {
    rest.post("mlflow/runs/restore", Json.object().put("run_id", runId), Retry.SAFE);
  }

  /**
   * One {@code runs/log-batch}. Safe to repeat: MLflow stores a metric point identical to a stored
   * one only once, accepts a param logged again with the same value, and overwrites tags.
   */
  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    rest.post(
        "mlflow/runs/log-batch", LogBatchBody.write(runId, metrics, params, tags), Retry.SAFE);
  }

  @Override
  public void deleteTag(String runId, String key) {
    rest.post(
        "mlflow/runs/delete-tag", Json.object().put("run_id", runId).put("key", key), Retry.SAFE);
  }

  /**
   * One page of {@code metrics/get-history}, sorted by step then timestamp. Servers that do not
   * page answer with the whole history and no token.
   */
  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("run_id", runId);
    query.put("metric_key", key);
    query.put("max_results", maxResults);
    query.put("page_token", pageToken);
    JsonNode response = rest.get("mlflow/metrics/get-history", query);
    List<Metric> items = new ArrayList<>();
    for (JsonNode m : Json.list(response, "metrics")) {
      items.add(Wire.metric(m));
    }
    items.sort(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp));
    return new Page<>(items, Wire.pageToken(response));
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    ObjectNode body = Json.object();
    ArrayNode ids = body.putArray("experiment_ids");
    query.experimentIds().forEach(ids::add);
    if (!query.filter().isBlank()) {
      body.put("filter", query.filter());
    }
    body.put("run_view_type", query.viewType().name());
    body.put("max_results", query.maxResults());
    if (!query.orderBy().isEmpty()) {
      ArrayNode order = body.putArray("order_by");
      query.orderBy().forEach(order::add);
    }
    if (query.pageToken() != null) {
      body.put("page_token", query.pageToken());
    }
    JsonNode response = rest.post("mlflow/runs/search", body, Retry.SAFE);
    List<Run> runs = new ArrayList<>();
    for (JsonNode r : Json.list(response, "runs")) {
      runs.add(Wire.run(r));
    }
    return new Page<>(runs, Wire.pageToken(response));
  }

  @Override
  public void close() {
    // The HTTP client is shared and closed with the Mlops that owns it.
  }

  @Override
  public String toString() {
    return "MlflowTrackingBackend[" + rest.base() + "]";
  }

  /** The value, or empty when the server says it does not exist. */
  static <T> Optional<T> find(Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }
}
