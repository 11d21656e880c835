package dev.mlops.mlflow;

import dev.mlops.Experiment;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.ViewType;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mlflow.api.proto.Service;

/** The tracking half of {@link FakeMlflowServer}: MLflow's tracking endpoints over a store. */
final class FakeTrackingRoutes {

  private final FakeMlflowServer server;
  private final TrackingBackend store;

  FakeTrackingRoutes(FakeMlflowServer server, TrackingBackend store) {
    this.server = server;
    this.store = store;
  }

  void register() {
    server.route(
        "POST",
        "mlflow/experiments/create",
        Service.CreateExperiment::newBuilder,
        r -> {
          String id =
              store.createExperiment(
                  required(r.getName(), "name"),
                  r.hasArtifactLocation() && !r.getArtifactLocation().isEmpty()
                      ? r.getArtifactLocation()
                      : null,
                  tags(r.getTagsList()));
          return Service.CreateExperiment.Response.newBuilder().setExperimentId(id).build();
        });
    server.route(
        "GET",
        "mlflow/experiments/get",
        Service.GetExperiment::newBuilder,
        r ->
            Service.GetExperiment.Response.newBuilder()
                .setExperiment(
                    experiment(
                        store
                            .getExperiment(required(r.getExperimentId(), "experiment_id"))
                            .orElseThrow(() -> notFound("experiment", r.getExperimentId()))))
                .build());
    server.route(
        "GET",
        "mlflow/experiments/get-by-name",
        Service.GetExperimentByName::newBuilder,
        r ->
            Service.GetExperimentByName.Response.newBuilder()
                .setExperiment(
                    experiment(
                        store
                            .getExperimentByName(required(r.getExperimentName(), "experiment_name"))
                            .orElseThrow(
                                () -> notFound("experiment named", r.getExperimentName()))))
                .build());
    server.route(
        "POST",
        "mlflow/experiments/search",
        Service.SearchExperiments::newBuilder,
        r -> {
          SearchQuery q =
              SearchQuery.builder()
                  .filter(r.getFilter())
                  .orderBy(r.getOrderByList().toArray(String[]::new))
                  .maxResults(r.hasMaxResults() ? (int) r.getMaxResults() : 1000)
                  .pageToken(r.getPageToken().isEmpty() ? null : r.getPageToken())
                  .viewType(
                      r.hasViewType()
                          ? ViewType.valueOf(r.getViewType().name())
                          : ViewType.ACTIVE_ONLY)
                  .build();
          Page<Experiment> page = store.searchExperiments(q);
          Service.SearchExperiments.Response.Builder b =
              Service.SearchExperiments.Response.newBuilder();
          page.items().forEach(e -> b.addExperiments(experiment(e)));
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    server.route(
        "POST",
        "mlflow/experiments/update",
        Service.UpdateExperiment::newBuilder,
        r -> {
          if (!r.getNewName().isEmpty()) {
            store.renameExperiment(required(r.getExperimentId(), "experiment_id"), r.getNewName());
          }
          return Service.UpdateExperiment.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/experiments/delete",
        Service.DeleteExperiment::newBuilder,
        r -> {
          store.deleteExperiment(required(r.getExperimentId(), "experiment_id"));
          return Service.DeleteExperiment.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/experiments/restore",
        Service.RestoreExperiment::newBuilder,
        r -> {
          store.restoreExperiment(required(r.getExperimentId(), "experiment_id"));
          return Service.RestoreExperiment.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/experiments/set-experiment-tag",
        Service.SetExperimentTag::newBuilder,
        r -> {
          store.setExperimentTag(
              required(r.getExperimentId(), "experiment_id"),
              required(r.getKey(), "key"),
              r.getValue());
          return Service.SetExperimentTag.Response.getDefaultInstance();
        });
    registerRuns();
  }

  private void registerRuns() {
    server.route(
        "POST",
        "mlflow/runs/create",
        Service.CreateRun::newBuilder,
        r -> {
          Map<String, String> tags = tags(r.getTagsList());
          String name = r.getRunName();
          if (name.isEmpty()) {
            name =
                tags.getOrDefault(
                    "mlflow.runName", "run-" + UUID.randomUUID().toString().substring(0, 8));
          }
          RunInfo info =
              store.createRun(
                  new NewRun(
                      r.getExperimentId().isEmpty() ? "0" : r.getExperimentId(),
                      name,
                      r.hasStartTime() ? r.getStartTime() : System.currentTimeMillis(),
                      r.getUserId(),
                      tags,
                      tags.get("mlflow.parentRunId")));
          return Service.CreateRun.Response.newBuilder().setRun(run(getRun(info.runId()))).build();
        });
    server.route(
        "GET",
        "mlflow/runs/get",
        Service.GetRun::newBuilder,
        r ->
            Service.GetRun.Response.newBuilder()
                .setRun(
                    run(
                        getRun(
                            required(
                                r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id"))))
                .build());
    server.route(
        "POST",
        "mlflow/runs/update",
        Service.UpdateRun::newBuilder,
        r -> {
          String id = required(r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id");
          Run current = getRun(id);
          RunStatus status =
              r.hasStatus() ? RunStatus.valueOf(r.getStatus().name()) : current.info().status();
          store.updateRun(
              id,
              status,
              r.hasEndTime() ? r.getEndTime() : null,
              r.hasRunName() ? r.getRunName() : null);
          return Service.UpdateRun.Response.newBuilder()
              .setRunInfo(runInfo(getRun(id).info()))
              .build();
        });
    server.route(
        "POST",
        "mlflow/runs/delete",
        Service.DeleteRun::newBuilder,
        r -> {
          store.deleteRun(required(r.getRunId(), "run_id"));
          return Service.DeleteRun.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/restore",
        Service.RestoreRun::newBuilder,
        r -> {
          store.restoreRun(required(r.getRunId(), "run_id"));
          return Service.RestoreRun.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/log-metric",
        Service.LogMetric::newBuilder,
        r -> {
          store.logBatch(
              required(r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id"),
              List.of(
                  new Metric(
                      required(r.getKey(), "key"), r.getValue(), r.getTimestamp(), r.getStep())),
              List.of(),
              List.of());
          return Service.LogMetric.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/log-parameter",
        Service.LogParam::newBuilder,
        r -> {
          store.logBatch(
              required(r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id"),
              List.of(),
              List.of(new Param(required(r.getKey(), "key"), r.getValue())),
              List.of());
          return Service.LogParam.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/set-tag",
        Service.SetTag::newBuilder,
        r -> {
          store.logBatch(
              required(r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id"),
              List.of(),
              List.of(),
              List.of(new Tag(required(r.getKey(), "key"), r.getValue())));
          return Service.SetTag.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/delete-tag",
        Service.DeleteTag::newBuilder,
        r -> {
          store.deleteTag(required(r.getRunId(), "run_id"), required(r.getKey(), "key"));
          return Service.DeleteTag.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        "mlflow/runs/log-batch",
        Service.LogBatch::newBuilder,
        r -> {
          if (r.getMetricsCount() > 1000 || r.getParamsCount() > 100 || r.getTagsCount() > 100) {
            throw new FakeMlflowServer.ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                "A batch logging request can contain at most 1000 metrics, 100 params and 100 tags");
          }
          List<Metric> metrics = new ArrayList<>();
          r.getMetricsList()
              .forEach(
                  m ->
                      metrics.add(
                          new Metric(m.getKey(), m.getValue(), m.getTimestamp(), m.getStep())));
          List<Param> params = new ArrayList<>();
          r.getParamsList().forEach(p -> params.add(new Param(p.getKey(), p.getValue())));
          List<Tag> tags = new ArrayList<>();
          r.getTagsList().forEach(t -> tags.add(new Tag(t.getKey(), t.getValue())));
          store.logBatch(required(r.getRunId(), "run_id"), metrics, params, tags);
          return Service.LogBatch.Response.getDefaultInstance();
        });
    server.route(
        "GET",
        "mlflow/metrics/get-history",
        Service.GetMetricHistory::newBuilder,
        r -> {
          String runId = required(r.getRunId().isEmpty() ? r.getRunUuid() : r.getRunId(), "run_id");
          getRun(runId);
          Service.GetMetricHistory.Response.Builder b =
              Service.GetMetricHistory.Response.newBuilder();
          String token = r.getPageToken().isEmpty() ? null : r.getPageToken();
          int max = r.hasMaxResults() ? r.getMaxResults() : 25_000;
          Page<Metric> page =
              store.getMetricHistory(runId, required(r.getMetricKey(), "metric_key"), max, token);
          page.items().forEach(m -> b.addMetrics(metric(m)));
          if (r.hasMaxResults()) {
            page.next().ifPresent(b::setNextPageToken);
          } else {
            while (page.hasNext()) {
              page = store.getMetricHistory(runId, r.getMetricKey(), max, page.nextPageToken());
              page.items().forEach(m -> b.addMetrics(metric(m)));
            }
          }
          return b.build();
        });
    server.route(
        "POST",
        "mlflow/runs/search",
        Service.SearchRuns::newBuilder,
        r -> {
          RunQuery q =
              RunQuery.builder()
                  .experimentIds(r.getExperimentIdsList())
                  .filter(r.getFilter())
                  .orderBy(r.getOrderByList().toArray(String[]::new))
                  .maxResults(r.getMaxResults())
                  .pageToken(r.getPageToken().isEmpty() ? null : r.getPageToken())
                  .viewType(ViewType.valueOf(r.getRunViewType().name()))
                  .build();
          Page<Run> page = store.searchRuns(q);
          Service.SearchRuns.Response.Builder b = Service.SearchRuns.Response.newBuilder();
          page.items().forEach(run -> b.addRuns(run(run)));
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
  }

  private Run getRun(String runId) {
    return store.getRun(runId).orElseThrow(() -> notFound("run", runId));
  }

  static String required(String value, String field) {
    if (value.isEmpty()) {
      throw new FakeMlflowServer.ApiError(
          400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter '" + field + "'.");
    }
    return value;
  }

  static FakeMlflowServer.ApiError notFound(String what, String id) {
    return new FakeMlflowServer.ApiError(
        404, "RESOURCE_DOES_NOT_EXIST", "No " + what + " '" + id + "' exists.");
  }

  static Map<String, String> tags(
      List<? extends org.mlflow_project.google.protobuf.MessageOrBuilder> tags) {
    Map<String, String> map = new LinkedHashMap<>();
    for (var t : tags) {
      var d = t.getDescriptorForType();
      map.put(
          (String) t.getField(d.findFieldByName("key")),
          (String) t.getField(d.findFieldByName("value")));
    }
    return map;
  }

  static Service.Experiment experiment(Experiment e) {
    Service.Experiment.Builder b =
        Service.Experiment.newBuilder()
            .setExperimentId(e.experimentId())
            .setName(e.name())
            .setArtifactLocation(e.artifactLocation())
            .setLifecycleStage(e.lifecycleStage().wireName())
            .setCreationTime(e.creationTime())
            .setLastUpdateTime(e.lastUpdateTime());
    e.tags().forEach((k, v) -> b.addTags(Service.ExperimentTag.newBuilder().setKey(k).setValue(v)));
    return b.build();
  }

  static Service.RunInfo runInfo(RunInfo i) {
    Service.RunInfo.Builder b =
        Service.RunInfo.newBuilder()
            .setRunId(i.runId())
            .setRunUuid(i.runId())
            .setRunName(i.runName())
            .setExperimentId(i.experimentId())
            .setUserId(i.userId())
            .setStatus(Service.RunStatus.valueOf(i.status().name()))
            .setStartTime(i.startTime())
            .setArtifactUri(i.artifactUri())
            .setLifecycleStage(i.lifecycleStage() == LifecycleStage.ACTIVE ? "active" : "deleted");
    if (i.endTime() != null) {
      b.setEndTime(i.endTime());
    }
    return b.build();
  }

  static Service.Run run(Run r) {
    Service.RunData.Builder data = Service.RunData.newBuilder();
    r.metrics().values().forEach(m -> data.addMetrics(metric(m)));
    r.params().forEach((k, v) -> data.addParams(Service.Param.newBuilder().setKey(k).setValue(v)));
    r.tags().forEach((k, v) -> data.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
    return Service.Run.newBuilder()
        .setInfo(runInfo(r.info()))
        .setData(data)
        .setInputs(Service.RunInputs.getDefaultInstance())
        .build();
  }

  static Service.Metric metric(Metric m) {
    return Service.Metric.newBuilder()
        .setKey(m.key())
        .setValue(m.value())
        .setTimestamp(m.timestamp())
        .setStep(m.step())
        .build();
  }
}
