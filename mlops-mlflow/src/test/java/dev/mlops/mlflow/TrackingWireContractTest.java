package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlflow.api.proto.Service;

/**
 * Each tracking call's request, parsed with the strict {@code JsonFormat.parser()} into the
 * official MLflow message, must equal the message MLflow expects; each answer, printed from
 * official messages with int64 fields as strings and as numbers, must read back the same.
 */
@DisplayName("The tracking backend's wire contract with MLflow's official messages")
class TrackingWireContractTest {

  private static final String API = "/api/2.0/mlflow/";
  private static final long T0 = 1_700_000_000_000L;
  private static final String RUN_ID = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;
  private StubServer stubs;
  private TestContext context;
  private TrackingBackend backend;

  @BeforeEach
  void start() {
    stubs = new StubServer();
    context = TestContext.fastRetries(stubs.uri(), dir, Map.of());
    backend = new MlflowTrackingProvider().create(context);
  }

  @AfterEach
  void stop() throws Exception {
    context.close();
    stubs.close();
  }

  private static Service.Experiment experimentProto() {
    return Service.Experiment.newBuilder()
        .setExperimentId("7")
        .setName("exp")
        .setArtifactLocation("mlflow-artifacts:/7")
        .setLifecycleStage("active")
        .setCreationTime(T0)
        .setLastUpdateTime(T0 + 1)
        .addTags(Service.ExperimentTag.newBuilder().setKey("team").setValue("risk"))
        .build();
  }

  private static Service.Run runProto() {
    return Service.Run.newBuilder()
        .setInfo(
            Service.RunInfo.newBuilder()
                .setRunId(RUN_ID)
                .setRunUuid(RUN_ID)
                .setRunName("fold-1")
                .setExperimentId("7")
                .setUserId("alice")
                .setStatus(Service.RunStatus.FINISHED)
                .setStartTime(T0)
                .setEndTime(T0 + 9)
                .setArtifactUri("mlflow-artifacts:/7/" + RUN_ID + "/artifacts")
                .setLifecycleStage("active"))
        .setData(
            Service.RunData.newBuilder()
                .addMetrics(
                    Service.Metric.newBuilder()
                        .setKey("loss")
                        .setValue(0.25)
                        .setTimestamp(T0)
                        .setStep(3))
                .addParams(Service.Param.newBuilder().setKey("alpha").setValue("0.5"))
                .addTags(Service.RunTag.newBuilder().setKey("team").setValue("risk")))
        .build();
  }

  @Test
  @DisplayName("experiments/create sends name, artifact_location and tags")
  void createExperiment() throws Exception {
    stubs.answer(
        "POST",
        API + "experiments/create",
        Service.CreateExperiment.Response.newBuilder().setExperimentId("7").build(),
        true);

    String id = backend.createExperiment("exp", "s3://bucket/exp", Map.of("team", "risk"));

    assertThat(id).isEqualTo("7");
    assertThat(
            stubs
                .sent("POST", API + "experiments/create", Service.CreateExperiment.newBuilder())
                .build())
        .isEqualTo(
            Service.CreateExperiment.newBuilder()
                .setName("exp")
                .setArtifactLocation("s3://bucket/exp")
                .addTags(Service.ExperimentTag.newBuilder().setKey("team").setValue("risk"))
                .build());
  }

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("experiments/get and get-by-name send the id or name and read every field")
  void getExperiment(boolean numbers) throws Exception {
    stubs.answer(
        "GET",
        API + "experiments/get",
        Service.GetExperiment.Response.newBuilder().setExperiment(experimentProto()).build(),
        numbers);
    stubs.answer(
        "GET",
        API + "experiments/get-by-name",
        Service.GetExperimentByName.Response.newBuilder().setExperiment(experimentProto()).build(),
        numbers);

    Experiment byId = backend.getExperiment("7").orElseThrow();
    Experiment byName = backend.getExperimentByName("exp").orElseThrow();

    Experiment expected =
        new Experiment(
            "7",
            "exp",
            "mlflow-artifacts:/7",
            LifecycleStage.ACTIVE,
            Map.of("team", "risk"),
            T0,
            T0 + 1);
    assertThat(byId).isEqualTo(expected);
    assertThat(byName).isEqualTo(expected);
    assertThat(
            stubs.sent("GET", API + "experiments/get", Service.GetExperiment.newBuilder()).build())
        .isEqualTo(Service.GetExperiment.newBuilder().setExperimentId("7").build());
    assertThat(
            stubs
                .sent(
                    "GET",
                    API + "experiments/get-by-name",
                    Service.GetExperimentByName.newBuilder())
                .build())
        .isEqualTo(Service.GetExperimentByName.newBuilder().setExperimentName("exp").build());
  }

  @Test
  @DisplayName("experiments/search sends filter, order, page size, token and view type")
  void searchExperiments() throws Exception {
    stubs.answer(
        "POST",
        API + "experiments/search",
        Service.SearchExperiments.Response.newBuilder()
            .addExperiments(experimentProto())
            .setNextPageToken("opaque==")
            .build(),
        false);

    Page<Experiment> page =
        backend.searchExperiments(
            SearchQuery.builder()
                .filter("name LIKE 'e%'")
                .orderBy("name ASC", "creation_time DESC")
                .maxResults(10)
                .pageToken("prev")
                .viewType(ViewType.ALL)
                .build());

    assertThat(page.items()).extracting(Experiment::name).containsExactly("exp");
    assertThat(page.nextPageToken()).isEqualTo("opaque==");
    assertThat(
            stubs
                .sent("POST", API + "experiments/search", Service.SearchExperiments.newBuilder())
                .build())
        .isEqualTo(
            Service.SearchExperiments.newBuilder()
                .setFilter("name LIKE 'e%'")
                .addOrderBy("name ASC")
                .addOrderBy("creation_time DESC")
                .setMaxResults(10)
                .setPageToken("prev")
                .setViewType(Service.ViewType.ALL)
                .build());
  }

  @Test
  @DisplayName("experiment update, delete, restore and set-experiment-tag send MLflow's fields")
  void experimentWrites() throws Exception {
    for (String p : List.of("update", "delete", "restore", "set-experiment-tag")) {
      stubs.answer("POST", API + "experiments/" + p, 200, "{}");
    }
    backend.renameExperiment("7", "new");
    backend.deleteExperiment("7");
    backend.restoreExperiment("7");
    backend.setExperimentTag("7", "k", "v");

    assertThat(
            stubs
                .sent("POST", API + "experiments/update", Service.UpdateExperiment.newBuilder())
                .build())
        .isEqualTo(
            Service.UpdateExperiment.newBuilder().setExperimentId("7").setNewName("new").build());
    assertThat(
            stubs
                .sent("POST", API + "experiments/delete", Service.DeleteExperiment.newBuilder())
                .build())
        .isEqualTo(Service.DeleteExperiment.newBuilder().setExperimentId("7").build());
    assertThat(
            stubs
                .sent("POST", API + "experiments/restore", Service.RestoreExperiment.newBuilder())
                .build())
        .isEqualTo(Service.RestoreExperiment.newBuilder().setExperimentId("7").build());
    assertThat(
            stubs
                .sent(
                    "POST",
                    API + "experiments/set-experiment-tag",
                    Service.SetExperimentTag.newBuilder())
                .build())
        .isEqualTo(
            Service.SetExperimentTag.newBuilder()
                .setExperimentId("7")
                .setKey("k")
                .setValue("v")
                .build());
  }

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("runs/create sends experiment, user, name, start time and tags, and reads the run")
  void createRun(boolean numbers) throws Exception {
    stubs.answer(
        "POST",
        API + "runs/create",
        Service.CreateRun.Response.newBuilder().setRun(runProto()).build(),
        numbers);

    RunInfo info =
        backend.createRun(
            new NewRun("7", "fold-1", T0, "alice", Map.of("team", "risk"), "parent0"));

    assertThat(info)
        .isEqualTo(
            new RunInfo(
                RUN_ID,
                "7",
                "fold-1",
                RunStatus.FINISHED,
                T0,
                T0 + 9,
                "mlflow-artifacts:/7/" + RUN_ID + "/artifacts",
                LifecycleStage.ACTIVE,
                "alice"));
    Service.CreateRun sent =
        stubs.sent("POST", API + "runs/create", Service.CreateRun.newBuilder()).build();
    assertThat(sent.getExperimentId()).isEqualTo("7");
    assertThat(sent.getUserId()).isEqualTo("alice");
    assertThat(sent.getRunName()).isEqualTo("fold-1");
    assertThat(sent.getStartTime()).isEqualTo(T0);
    assertThat(FakeTrackingRoutes.tags(sent.getTagsList()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("team", "risk", "mlflow.parentRunId", "parent0"));
  }

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("runs/get sends the run id and reads info, metrics, params and tags")
  void getRun(boolean numbers) throws Exception {
    stubs.answer(
        "GET",
        API + "runs/get",
        Service.GetRun.Response.newBuilder().setRun(runProto()).build(),
        numbers);

    Run run = backend.getRun(RUN_ID).orElseThrow();

    assertThat(run.metrics()).containsExactly(Map.entry("loss", new Metric("loss", 0.25, T0, 3)));
    assertThat(run.params()).containsExactly(Map.entry("alpha", "0.5"));
    assertThat(run.tags()).containsExactly(Map.entry("team", "risk"));
    assertThat(run.info().endTime()).isEqualTo(T0 + 9);
    assertThat(stubs.sent("GET", API + "runs/get", Service.GetRun.newBuilder()).build())
        .isEqualTo(Service.GetRun.newBuilder().setRunId(RUN_ID).build());
  }

  @Test
  @DisplayName("runs/update, delete, restore and delete-tag send MLflow's fields")
  void runWrites() throws Exception {
    for (String p : List.of("update", "delete", "restore", "delete-tag")) {
      stubs.answer("POST", API + "runs/" + p, 200, "{}");
    }
    backend.updateRun(RUN_ID, RunStatus.KILLED, T0 + 3, "renamed");
    Service.UpdateRun full =
        stubs.sent("POST", API + "runs/update", Service.UpdateRun.newBuilder()).build();
    backend.updateRun(RUN_ID, RunStatus.RUNNING, null, null);
    Service.UpdateRun bare =
        stubs.sent("POST", API + "runs/update", Service.UpdateRun.newBuilder()).build();
    backend.deleteRun(RUN_ID);
    backend.restoreRun(RUN_ID);
    backend.deleteTag(RUN_ID, "gone");

    assertThat(full)
        .isEqualTo(
            Service.UpdateRun.newBuilder()
                .setRunId(RUN_ID)
                .setStatus(Service.RunStatus.KILLED)
                .setEndTime(T0 + 3)
                .setRunName("renamed")
                .build());
    assertThat(bare)
        .isEqualTo(
            Service.UpdateRun.newBuilder()
                .setRunId(RUN_ID)
                .setStatus(Service.RunStatus.RUNNING)
                .build());
    assertThat(stubs.sent("POST", API + "runs/delete", Service.DeleteRun.newBuilder()).build())
        .isEqualTo(Service.DeleteRun.newBuilder().setRunId(RUN_ID).build());
    assertThat(stubs.sent("POST", API + "runs/restore", Service.RestoreRun.newBuilder()).build())
        .isEqualTo(Service.RestoreRun.newBuilder().setRunId(RUN_ID).build());
    assertThat(stubs.sent("POST", API + "runs/delete-tag", Service.DeleteTag.newBuilder()).build())
        .isEqualTo(Service.DeleteTag.newBuilder().setRunId(RUN_ID).setKey("gone").build());
  }

  @Test
  @DisplayName("runs/log-batch sends metrics with int64 timestamp and step, params and tags")
  void logBatch() throws Exception {
    stubs.answer("POST", API + "runs/log-batch", 200, "{}");

    backend.logBatch(
        RUN_ID,
        List.of(new Metric("loss", 0.1, T0, 1L << 40), new Metric("acc", -3.5e-12, 0, 0)),
        List.of(new Param("alpha", "0.5")),
        List.of(new Tag("team", "")));

    assertThat(stubs.sent("POST", API + "runs/log-batch", Service.LogBatch.newBuilder()).build())
        .isEqualTo(
            Service.LogBatch.newBuilder()
                .setRunId(RUN_ID)
                .addMetrics(
                    Service.Metric.newBuilder()
                        .setKey("loss")
                        .setValue(0.1)
                        .setTimestamp(T0)
                        .setStep(1L << 40))
                .addMetrics(
                    Service.Metric.newBuilder()
                        .setKey("acc")
                        .setValue(-3.5e-12)
                        .setTimestamp(0)
                        .setStep(0))
                .addParams(Service.Param.newBuilder().setKey("alpha").setValue("0.5"))
                .addTags(Service.RunTag.newBuilder().setKey("team").setValue(""))
                .build());
  }

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName(
      "metrics/get-history sends run, key, page size and token, and sorts the page by step")
  void metricHistory(boolean numbers) throws Exception {
    stubs.answer(
        "GET",
        API + "metrics/get-history",
        Service.GetMetricHistory.Response.newBuilder()
            .addMetrics(
                Service.Metric.newBuilder().setKey("m").setValue(2).setTimestamp(T0).setStep(2))
            .addMetrics(
                Service.Metric.newBuilder().setKey("m").setValue(1).setTimestamp(T0).setStep(1))
            .setNextPageToken("next")
            .build(),
        numbers);

    Page<Metric> page = backend.getMetricHistory(RUN_ID, "m", 500, "tok");

    assertThat(page.items()).containsExactly(new Metric("m", 1, T0, 1), new Metric("m", 2, T0, 2));
    assertThat(page.nextPageToken()).isEqualTo("next");
    assertThat(
            stubs
                .sent("GET", API + "metrics/get-history", Service.GetMetricHistory.newBuilder())
                .build())
        .isEqualTo(
            Service.GetMetricHistory.newBuilder()
                .setRunId(RUN_ID)
                .setMetricKey("m")
                .setMaxResults(500)
                .setPageToken("tok")
                .build());
  }

  @Test
  @DisplayName("runs/search sends experiment ids, filter, view, page size, order and token")
  void searchRuns() throws Exception {
    stubs.answer(
        "POST",
        API + "runs/search",
        Service.SearchRuns.Response.newBuilder().addRuns(runProto()).build(),
        true);

    Page<Run> page =
        backend.searchRuns(
            RunQuery.builder()
                .experimentIds("7", "8")
                .filter("metrics.rmse < 0.8")
                .orderBy("metrics.rmse ASC")
                .maxResults(50_000)
                .pageToken("p2")
                .viewType(ViewType.DELETED_ONLY)
                .build());

    assertThat(page.items()).extracting(Run::runId).containsExactly(RUN_ID);
    assertThat(page.hasNext()).isFalse();
    assertThat(stubs.sent("POST", API + "runs/search", Service.SearchRuns.newBuilder()).build())
        .isEqualTo(
            Service.SearchRuns.newBuilder()
                .addExperimentIds("7")
                .addExperimentIds("8")
                .setFilter("metrics.rmse < 0.8")
                .setRunViewType(Service.ViewType.DELETED_ONLY)
                .setMaxResults(50_000)
                .addOrderBy("metrics.rmse ASC")
                .setPageToken("p2")
                .build());
  }

  @Test
  @DisplayName("answers with omitted or empty fields read as MLflow's defaults")
  void lenientReading() {
    stubs.answer(
        "GET",
        API + "runs/get",
        200,
        "{\"run\":{\"info\":{\"run_uuid\":\""
            + RUN_ID
            + "\",\"end_time\":\"\"},"
            + "\"data\":{\"tags\":[{\"key\":\"mlflow.runName\",\"value\":\"from-tag\"}]}}}");
    stubs.answer(
        "GET",
        API + "experiments/get",
        200,
        "{\"experiment\":{\"experiment_id\":\"3\",\"name\":\"x\"}}");

    Run run = backend.getRun(RUN_ID).orElseThrow();
    Experiment e = backend.getExperiment("3").orElseThrow();

    assertThat(run.runId()).isEqualTo(RUN_ID);
    assertThat(run.info().runName()).isEqualTo("from-tag");
    assertThat(run.info().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.info().endTime()).isNull();
    assertThat(run.metrics()).isEmpty();
    assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(e.tags()).isEmpty();
    assertThat(e.creationTime()).isZero();
  }
}
