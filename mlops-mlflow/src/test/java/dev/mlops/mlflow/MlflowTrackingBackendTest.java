package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
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
import dev.mlops.spi.BatchLimits;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The MLflow tracking backend, against the fake MLflow server")
class MlflowTrackingBackendTest {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private FakeMlflowServer fake;
  private TestContext context;
  private TrackingBackend backend;

  @BeforeEach
  void start() {
    fake = FakeMlflowServer.start(dir.resolve("server"));
    context = TestContext.fastRetries(fake.uri(), dir, Map.of());
    backend = new MlflowTrackingProvider().create(context);
  }

  @AfterEach
  void stop() throws Exception {
    backend.close();
    context.close();
    fake.close();
    assertThat(fake.violations()).as("requests that broke MLflow's wire contract").isEmpty();
  }

  private String experiment(String name) {
    return backend.createExperiment(name, null, Map.of());
  }

  private RunInfo run(String experimentId) {
    return backend.createRun(new NewRun(experimentId, "r1", T0, "alice", Map.of(), null));
  }

  @Test
  @DisplayName("declares MLflow's batch sizes and lets several batches be in flight at once")
  void batchLimits() {
    assertThat(backend.batchLimits()).isEqualTo(BatchLimits.MLFLOW.withMaxInFlight(4));
  }

  @Test
  @DisplayName("an experiment created with tags is found by id and by name, with its tags")
  void createAndGetExperiment() {
    String id = backend.createExperiment("exp-a", null, Map.of("team", "risk"));

    Experiment byId = backend.getExperiment(id).orElseThrow();
    Experiment byName = backend.getExperimentByName("exp-a").orElseThrow();

    assertThat(byId).isEqualTo(byName);
    assertThat(byId.name()).isEqualTo("exp-a");
    assertThat(byId.tags()).containsEntry("team", "risk");
    assertThat(byId.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(byId.artifactLocation()).startsWith("mlflow-artifacts:/");
  }

  @Test
  @DisplayName("a missing experiment or run is empty, not an error")
  void missingIsEmpty() {
    assertThat(backend.getExperiment("424242")).isEmpty();
    assertThat(backend.getExperimentByName("no-such-experiment")).isEmpty();
    assertThat(backend.getRun("0123456789abcdef0123456789abcdef")).isEmpty();
  }

  @Test
  @DisplayName(
      "a taken experiment name fails with AlreadyExistsException carrying the server's message")
  void duplicateExperiment() {
    experiment("dup");
    assertThatThrownBy(() -> experiment("dup"))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("RESOURCE_ALREADY_EXISTS")
        .hasMessageContaining("experiments/create");
  }

  @Test
  @DisplayName("rename, tag, delete and restore of an experiment are visible on the next read")
  void experimentLifecycle() {
    String id = experiment("before");
    backend.renameExperiment(id, "after");
    backend.setExperimentTag(id, "k", "v");
    backend.deleteExperiment(id);
    Experiment deleted = backend.getExperiment(id).orElseThrow();
    assertThat(deleted.name()).isEqualTo("after");
    assertThat(deleted.tags()).containsEntry("k", "v");
    assertThat(deleted.lifecycleStage()).isEqualTo(LifecycleStage.DELETED);

    backend.restoreExperiment(id);
    assertThat(backend.getExperiment(id).orElseThrow().lifecycleStage())
        .isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  @DisplayName("experiment search pages with the server's opaque tokens until the last page")
  void searchExperimentsPages() {
    for (int i = 0; i < 5; i++) {
      experiment("paged-" + i);
    }
    SearchQuery q =
        SearchQuery.builder()
            .filter("name LIKE 'paged-%'")
            .orderBy("name ASC")
            .maxResults(2)
            .build();
    List<String> names = new ArrayList<>();
    Page<Experiment> page = backend.searchExperiments(q);
    int pages = 1;
    page.items().forEach(e -> names.add(e.name()));
    while (page.hasNext()) {
      page = backend.searchExperiments(q.withPageToken(page.nextPageToken()));
      page.items().forEach(e -> names.add(e.name()));
      pages++;
    }
    assertThat(names).containsExactly("paged-0", "paged-1", "paged-2", "paged-3", "paged-4");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  @DisplayName("a run is created with its name, user, start time and tags, and read back whole")
  void createAndGetRun() {
    String exp = experiment("runs");
    RunInfo info =
        backend.createRun(new NewRun(exp, "fold-1", T0, "alice", Map.of("team", "risk"), null));

    Run run = backend.getRun(info.runId()).orElseThrow();

    assertThat(info.runId()).hasSize(32);
    assertThat(run.info().runName()).isEqualTo("fold-1");
    assertThat(run.info().userId()).isEqualTo("alice");
    assertThat(run.info().startTime()).isEqualTo(T0);
    assertThat(run.info().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(run.info().endTime()).isNull();
    assertThat(run.info().artifactUri()).startsWith("mlflow-artifacts:/").endsWith("/artifacts");
    assertThat(run.tags()).containsEntry("team", "risk");
  }

  @Test
  @DisplayName("a nested run carries its parent in mlflow.parentRunId")
  void nestedRun() {
    String exp = experiment("nested");
    RunInfo parent = run(exp);
    RunInfo child = backend.createRun(new NewRun(exp, "child", T0, "", Map.of(), parent.runId()));
    assertThat(backend.getRun(child.runId()).orElseThrow().tags())
        .containsEntry("mlflow.parentRunId", parent.runId());
  }

  @Test
  @DisplayName(
      "log-batch stores metrics, params and tags; the run shows each metric's latest point")
  void logBatch() {
    RunInfo info = run(experiment("batch"));
    backend.logBatch(
        info.runId(),
        List.of(new Metric("loss", 0.5, T0, 1), new Metric("loss", 0.25, T0 + 1, 2)),
        List.of(new Param("alpha", "0.5")),
        List.of(new Tag("team", "risk")));

    Run run = backend.getRun(info.runId()).orElseThrow();

    assertThat(run.metrics().get("loss")).isEqualTo(new Metric("loss", 0.25, T0 + 1, 2));
    assertThat(run.params()).containsEntry("alpha", "0.5");
    assertThat(run.tags()).containsEntry("team", "risk");
  }

  @Test
  @DisplayName("logging the same batch twice stores each metric point once")
  void logBatchIsIdempotent() {
    RunInfo info = run(experiment("idem"));
    List<Metric> points = List.of(new Metric("m", 1.0, T0, 0), new Metric("m", 2.0, T0, 1));
    backend.logBatch(info.runId(), points, List.of(new Param("p", "1")), List.of());
    backend.logBatch(info.runId(), points, List.of(new Param("p", "1")), List.of());

    assertThat(backend.getMetricHistory(info.runId(), "m", 100, null).items())
        .containsExactlyElementsOf(points);
  }

  @Test
  @DisplayName("a param logged again with another value fails with InvalidInputException")
  void paramChange() {
    RunInfo info = run(experiment("param"));
    backend.logBatch(info.runId(), List.of(), List.of(new Param("p", "1")), List.of());
    assertThatThrownBy(
            () ->
                backend.logBatch(info.runId(), List.of(), List.of(new Param("p", "2")), List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("p");
  }

  @Test
  @DisplayName("updating a run sets status, end time and name; deleting a tag removes it")
  void updateRunAndDeleteTag() {
    RunInfo info = run(experiment("update"));
    backend.logBatch(info.runId(), List.of(), List.of(), List.of(new Tag("gone", "x")));
    backend.deleteTag(info.runId(), "gone");
    backend.updateRun(info.runId(), RunStatus.FINISHED, T0 + 5, "renamed");

    Run run = backend.getRun(info.runId()).orElseThrow();

    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().endTime()).isEqualTo(T0 + 5);
    assertThat(run.info().runName()).isEqualTo("renamed");
    assertThat(run.tags()).doesNotContainKey("gone");
  }

  @Test
  @DisplayName("a deleted run is hidden from active searches and comes back when restored")
  void deleteAndRestoreRun() {
    String exp = experiment("del");
    RunInfo info = run(exp);
    backend.deleteRun(info.runId());
    RunQuery active = RunQuery.builder().experimentIds(exp).build();
    assertThat(backend.searchRuns(active).items()).isEmpty();
    assertThat(
            backend
                .searchRuns(
                    RunQuery.builder().experimentIds(exp).viewType(ViewType.DELETED_ONLY).build())
                .items())
        .extracting(Run::runId)
        .containsExactly(info.runId());

    backend.restoreRun(info.runId());
    assertThat(backend.searchRuns(active).items())
        .extracting(Run::runId)
        .containsExactly(info.runId());
  }

  @Test
  @DisplayName("metric history comes in pages, each in step order, with tokens to the end")
  void metricHistoryPages() {
    RunInfo info = run(experiment("history"));
    List<Metric> points = new ArrayList<>();
    for (int step = 0; step < 25; step++) {
      points.add(new Metric("acc", step / 25.0, T0 + step, step));
    }
    backend.logBatch(info.runId(), points, List.of(), List.of());

    List<Metric> read = new ArrayList<>();
    Page<Metric> page = backend.getMetricHistory(info.runId(), "acc", 10, null);
    read.addAll(page.items());
    while (page.hasNext()) {
      page = backend.getMetricHistory(info.runId(), "acc", 10, page.nextPageToken());
      read.addAll(page.items());
    }
    assertThat(read).containsExactlyElementsOf(points);
  }

  @Test
  @DisplayName("run search passes filter, order and page size through to the server")
  void searchRuns() {
    String exp = experiment("search");
    for (int i = 0; i < 3; i++) {
      RunInfo info = backend.createRun(new NewRun(exp, "r" + i, T0 + i, "", Map.of(), null));
      backend.logBatch(
          info.runId(),
          List.of(new Metric("rmse", i, T0, 0)),
          List.of(new Param("i", "" + i)),
          List.of());
    }
    RunQuery q =
        RunQuery.builder()
            .experimentIds(exp)
            .filter("metrics.rmse < 2 and params.i != '5'")
            .orderBy("metrics.rmse DESC")
            .maxResults(1)
            .build();
    Page<Run> first = backend.searchRuns(q);
    Page<Run> second = backend.searchRuns(q.withPageToken(first.nextPageToken()));

    assertThat(first.items()).extracting(r -> r.info().runName()).containsExactly("r1");
    assertThat(second.items()).extracting(r -> r.info().runName()).containsExactly("r0");
    assertThat(second.hasNext()).isFalse();
  }
}
