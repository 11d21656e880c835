package dev.mlops.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.Tag;
import dev.mlops.ViewType;
import dev.mlops.spi.NewRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SqliteTrackingBackend")
class SqliteTrackingBackendTest {

  @TempDir Path dir;
  private Path file;
  private String root;
  private SqliteDatabase db;
  private SqliteTrackingBackend tracking;

  @BeforeEach
  void open() {
    file = dir.resolve("mlflow.db");
    root = dir.resolve("mlruns").toString();
    db = SqliteDatabase.open(file, root);
    tracking = new SqliteTrackingBackend(db, root, dir);
  }

  @AfterEach
  void close() {
    tracking.close();
    db.close();
  }

  private String experiment(String name) {
    return tracking.createExperiment(name, null, Map.of());
  }

  private RunInfo run(String experimentId, String name, long startTime) {
    return tracking.createRun(
        new NewRun(experimentId, name, startTime, "alice", Map.of("mlflow.user", "alice"), null));
  }

  private Run get(String runId) {
    return tracking.getRun(runId).orElseThrow();
  }

  @Nested
  @DisplayName("experiments")
  class Experiments {

    @Test
    @DisplayName("get the next id and an artifact location under the root")
    void create() {
      String id = tracking.createExperiment("fraud", null, Map.of("team", "risk"));
      Experiment e = tracking.getExperiment(id).orElseThrow();
      assertThat(id).isEqualTo("1");
      assertThat(e.name()).isEqualTo("fraud");
      assertThat(e.artifactLocation()).isEqualTo(root + "/1");
      assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(e.tags()).containsExactly(Map.entry("team", "risk"));
      assertThat(e.creationTime()).isPositive().isEqualTo(e.lastUpdateTime());
      assertThat(tracking.getExperimentByName("fraud")).contains(e);
    }

    @Test
    @DisplayName("store a relative artifact location as an absolute path and URIs as given")
    void artifactLocations() {
      String rel = tracking.createExperiment("rel", "artifacts/here", Map.of());
      String s3 = tracking.createExperiment("s3", "s3://bucket/prefix", Map.of());
      assertThat(tracking.getExperiment(rel).orElseThrow().artifactLocation())
          .isEqualTo(dir.resolve("artifacts/here").toString());
      assertThat(tracking.getExperiment(s3).orElseThrow().artifactLocation())
          .isEqualTo("s3://bucket/prefix");
    }

    @Test
    @DisplayName("reject a taken name, even when the other experiment is deleted")
    void uniqueNames() {
      String id = experiment("taken");
      assertThatThrownBy(() -> experiment("taken")).isInstanceOf(AlreadyExistsException.class);
      tracking.deleteExperiment(id);
      assertThatThrownBy(() -> experiment("taken"))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining("deleted");
    }

    @Test
    @DisplayName("are absent for unknown and non-numeric ids")
    void absent() {
      assertThat(tracking.getExperiment("42")).isEmpty();
      assertThat(tracking.getExperiment("abc")).isEmpty();
      assertThat(tracking.getExperimentByName("nope")).isEmpty();
      assertThatThrownBy(() -> tracking.deleteExperiment("42"))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("can be renamed, but not onto a taken name")
    void rename() {
      String id = experiment("old");
      experiment("other");
      tracking.renameExperiment(id, "new");
      assertThat(tracking.getExperiment(id).orElseThrow().name()).isEqualTo("new");
      assertThat(tracking.getExperimentByName("old")).isEmpty();
      assertThatThrownBy(() -> tracking.renameExperiment(id, "other"))
          .isInstanceOf(AlreadyExistsException.class);
    }

    @Test
    @DisplayName("delete and restore their runs with them, as MLflow does")
    void deleteCascadesToRuns() throws Exception {
      String id = experiment("doomed");
      String runId = run(id, "r", 1).runId();
      tracking.deleteExperiment(id);
      assertThat(tracking.getExperiment(id).orElseThrow().lifecycleStage())
          .isEqualTo(LifecycleStage.DELETED);
      assertThat(get(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(Db.number(file, "SELECT deleted_time FROM runs")).isPositive();
      assertThatThrownBy(() -> run(id, "late", 2))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("deleted");
      assertThatThrownBy(() -> tracking.setExperimentTag(id, "k", "v"))
          .isInstanceOf(InvalidInputException.class);

      tracking.restoreExperiment(id);
      assertThat(get(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(Db.column(file, "SELECT deleted_time FROM runs")).containsOnlyNulls();
    }

    @Test
    @DisplayName("overwrite a tag set twice")
    void tags() {
      String id = experiment("tagged");
      tracking.setExperimentTag(id, "k", "1");
      tracking.setExperimentTag(id, "k", "2");
      assertThat(tracking.getExperiment(id).orElseThrow().tags())
          .containsExactly(Map.entry("k", "2"));
    }

    @Test
    @DisplayName("are found by search, deleted ones only when asked for")
    void search() {
      String a = experiment("a");
      String b = experiment("b");
      tracking.deleteExperiment(b);
      assertThat(tracking.searchExperiments(dev.mlops.SearchQuery.all()).items())
          .extracting(Experiment::experimentId)
          .contains("0", a)
          .doesNotContain(b);
      assertThat(
              tracking
                  .searchExperiments(
                      dev.mlops.SearchQuery.builder().viewType(ViewType.DELETED_ONLY).build())
                  .items())
          .extracting(Experiment::experimentId)
          .containsExactly(b);
    }
  }

  @Nested
  @DisplayName("runs")
  class Runs {

    @Test
    @DisplayName("are created as MLflow's create_run writes them")
    void create() throws Exception {
      String exp = experiment("e");
      RunInfo info = run(exp, "first", 1000);
      assertThat(info.runId()).matches("[0-9a-f]{32}");
      assertThat(info.artifactUri())
          .isEqualTo(root + "/" + exp + "/" + info.runId() + "/artifacts");
      assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
      Run run = get(info.runId());
      assertThat(run.info()).isEqualTo(info);
      assertThat(run.tags())
          .containsEntry("mlflow.runName", "first")
          .containsEntry("mlflow.user", "alice");
      assertThat(
              Db.column(
                  file,
                  "SELECT source_type || '|' || source_name || '|' || entry_point_name || '|'"
                      + " || source_version || '|' || lifecycle_stage || '|' || user_id FROM runs"))
          .containsExactly("UNKNOWN||||active|alice");
    }

    @Test
    @DisplayName("record the parent run id of nested runs as a tag")
    void nested() {
      String exp = experiment("e");
      String parent = run(exp, "parent", 1).runId();
      RunInfo child = tracking.createRun(new NewRun(exp, "child", 2, "", Map.of(), parent));
      assertThat(get(child.runId()).tags()).containsEntry("mlflow.parentRunId", parent);
    }

    @Test
    @DisplayName("cannot be created in a missing experiment")
    void missingExperiment() {
      assertThatThrownBy(() -> run("99", "r", 1)).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> run("x", "r", 1)).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("are updated in status, end time and name, with the runName tag following")
    void update() {
      String runId = run(experiment("e"), "before", 1).runId();
      tracking.updateRun(runId, RunStatus.FINISHED, 5L, "after");
      Run run = get(runId);
      assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.info().endTime()).isEqualTo(5L);
      assertThat(run.info().runName()).isEqualTo("after");
      assertThat(run.tags()).containsEntry("mlflow.runName", "after");
      tracking.updateRun(runId, RunStatus.FAILED, null, null);
      assertThat(get(runId).info().endTime()).isEqualTo(5L);
      assertThat(get(runId).info().runName()).isEqualTo("after");
    }

    @Test
    @DisplayName("are soft-deleted with a deleted_time and restored without one")
    void deleteRestore() throws Exception {
      String runId = run(experiment("e"), "r", 1).runId();
      tracking.deleteRun(runId);
      assertThat(get(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(Db.number(file, "SELECT deleted_time FROM runs")).isPositive();
      assertThatThrownBy(() -> tracking.updateRun(runId, RunStatus.FINISHED, 1L, null))
          .isInstanceOf(InvalidInputException.class);
      tracking.restoreRun(runId);
      assertThat(get(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(Db.column(file, "SELECT deleted_time FROM runs")).containsOnlyNulls();
      assertThatThrownBy(() -> tracking.deleteRun("0123456789abcdef0123456789abcdef"))
          .isInstanceOf(NotFoundException.class);
      assertThat(tracking.getRun("0123456789abcdef0123456789abcdef")).isEmpty();
    }

    @Test
    @DisplayName("lose a deleted tag, and deleting a missing tag is NotFound")
    void deleteTag() {
      String runId = run(experiment("e"), "r", 1).runId();
      tracking.logBatch(runId, List.of(), List.of(), List.of(new Tag("t", "v")));
      tracking.deleteTag(runId, "t");
      assertThat(get(runId).tags()).doesNotContainKey("t");
      assertThatThrownBy(() -> tracking.deleteTag(runId, "t"))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("are searched newest first and paged until every run was seen once")
    void search() {
      String exp = experiment("e");
      String other = experiment("other");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(run(exp, "r" + i, 1000 + i).runId());
      }
      run(other, "elsewhere", 5000);
      tracking.deleteRun(ids.get(0));
      RunQuery query = RunQuery.builder().experimentIds(exp).maxResults(2).build();
      List<String> seen = new ArrayList<>();
      @Nullable String token = null;
      int pages = 0;
      do {
        Page<Run> page = tracking.searchRuns(query.withPageToken(token));
        page.items().forEach(r -> seen.add(r.runId()));
        token = page.nextPageToken();
        pages++;
      } while (token != null);
      assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1));
      assertThat(pages).isEqualTo(2);
      assertThat(
              tracking
                  .searchRuns(
                      RunQuery.builder().experimentIds(exp).viewType(ViewType.DELETED_ONLY).build())
                  .items())
          .extracting(Run::runId)
          .containsExactly(ids.get(0));
    }
  }

  @Nested
  @DisplayName("logBatch")
  class LogBatch {

    private String runId;

    @BeforeEach
    void run() {
      runId = SqliteTrackingBackendTest.this.run(experiment("e"), "r", 1).runId();
    }

    @Test
    @DisplayName("keeps the point with the highest step, then timestamp, then value as latest")
    void latestMetrics() {
      tracking.logBatch(
          runId,
          List.of(
              new Metric("loss", 0.5, 100, 3),
              new Metric("loss", 0.9, 50, 1),
              new Metric("loss", 0.4, 90, 3),
              new Metric("acc", 0.1, 10, 0)),
          List.of(),
          List.of());
      assertThat(get(runId).metrics().get("loss")).isEqualTo(new Metric("loss", 0.5, 100, 3));
      tracking.logBatch(runId, List.of(new Metric("loss", 0.1, 500, 2)), List.of(), List.of());
      assertThat(get(runId).metrics().get("loss"))
          .as("a later batch with a lower step does not replace the latest point")
          .isEqualTo(new Metric("loss", 0.5, 100, 3));
      tracking.logBatch(runId, List.of(new Metric("loss", 0.7, 100, 3)), List.of(), List.of());
      assertThat(get(runId).metrics().get("loss")).isEqualTo(new Metric("loss", 0.7, 100, 3));
      tracking.logBatch(runId, List.of(new Metric("loss", 0.2, 1, 4)), List.of(), List.of());
      assertThat(get(runId).metrics())
          .containsEntry("loss", new Metric("loss", 0.2, 1, 4))
          .containsEntry("acc", new Metric("acc", 0.1, 10, 0));
    }

    @Test
    @DisplayName("stores a metric point logged twice once")
    void idempotentMetrics() throws Exception {
      List<Metric> points = List.of(new Metric("m", 1.0, 10, 0), new Metric("m", 1.0, 10, 0));
      tracking.logBatch(runId, points, List.of(), List.of());
      tracking.logBatch(runId, points, List.of(), List.of());
      assertThat(Db.number(file, "SELECT count(*) FROM metrics")).isEqualTo(1);
    }

    @Test
    @DisplayName("stores NaN and infinities the way MLflow does")
    void specialValues() throws Exception {
      tracking.logBatch(
          runId,
          List.of(
              new Metric("nan", Double.NaN, 1, 0),
              new Metric("inf", Double.POSITIVE_INFINITY, 1, 0)),
          List.of(),
          List.of());
      assertThat(Db.column(file, "SELECT \"key\" || '|' || value || '|' || is_nan FROM metrics"))
          .containsExactlyInAnyOrder("nan|0.0|1", "inf|1.7976931348623157e+308|0");
      assertThat(get(runId).metrics().get("nan").value()).isNaN();
      assertThat(tracking.getMetricHistory(runId, "nan", 10, null).items().get(0).value()).isNaN();
    }

    @Test
    @DisplayName("accepts a param again with the same value")
    void sameParam() {
      tracking.logBatch(runId, List.of(), List.of(new Param("alpha", "0.5")), List.of());
      tracking.logBatch(
          runId,
          List.of(),
          List.of(new Param("alpha", "0.5"), new Param("alpha", "0.5")),
          List.of());
      assertThat(get(runId).params()).containsExactly(Map.entry("alpha", "0.5"));
    }

    @Test
    @DisplayName("rejects a changed param, naming run, key and both values, and writes nothing")
    void paramConflict() throws Exception {
      tracking.logBatch(runId, List.of(), List.of(new Param("alpha", "0.5")), List.of());
      assertThatThrownBy(
              () ->
                  tracking.logBatch(
                      runId,
                      List.of(new Metric("m", 1, 1, 1)),
                      List.of(new Param("beta", "1"), new Param("alpha", "0.7")),
                      List.of(new Tag("t", "v"))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(runId)
          .hasMessageContaining("alpha")
          .hasMessageContaining("0.5")
          .hasMessageContaining("0.7");
      assertThat(Db.number(file, "SELECT count(*) FROM metrics")).isZero();
      assertThat(Db.number(file, "SELECT count(*) FROM latest_metrics")).isZero();
      Run run = get(runId);
      assertThat(run.params()).containsExactly(Map.entry("alpha", "0.5"));
      assertThat(run.tags()).doesNotContainKey("t");
    }

    @Test
    @DisplayName("rejects two values for one param within a batch")
    void paramConflictInBatch() {
      assertThatThrownBy(
              () ->
                  tracking.logBatch(
                      runId,
                      List.of(),
                      List.of(new Param("p", "1"), new Param("p", "2")),
                      List.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("same batch");
      assertThat(get(runId).params()).isEmpty();
    }

    @Test
    @DisplayName("overwrites tags, and a runName tag renames the run")
    void tags() {
      tracking.logBatch(runId, List.of(), List.of(), List.of(new Tag("t", "1"), new Tag("t", "2")));
      tracking.logBatch(runId, List.of(), List.of(), List.of(new Tag("mlflow.runName", "renamed")));
      Run run = get(runId);
      assertThat(run.tags()).containsEntry("t", "2");
      assertThat(run.info().runName()).isEqualTo("renamed");
    }

    @Test
    @DisplayName("fails with NotFound for a missing run and InvalidInput for a deleted one")
    void runState() {
      assertThatThrownBy(
              () ->
                  tracking.logBatch(
                      "0123456789abcdef0123456789abcdef",
                      List.of(new Metric("m", 1, 1, 1)),
                      List.of(),
                      List.of()))
          .isInstanceOf(NotFoundException.class);
      tracking.deleteRun(runId);
      assertThatThrownBy(
              () ->
                  tracking.logBatch(runId, List.of(new Metric("m", 1, 1, 1)), List.of(), List.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("deleted");
    }

    @Test
    @DisplayName("from 8 threads x 10,000 points stores every point exactly once")
    void concurrent() throws Exception {
      int threads = 8;
      int perThread = 10_000;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int from = 0; from < perThread; from += 1000) {
                      List<Metric> batch = new ArrayList<>();
                      for (int i = from; i < from + 1000; i++) {
                        long step = (long) thread * perThread + i;
                        batch.add(new Metric("m", step * 0.5, 1000 + step, step));
                      }
                      tracking.logBatch(runId, batch, List.of(), List.of());
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      long total = (long) threads * perThread;
      assertThat(Db.number(file, "SELECT count(*) FROM metrics")).isEqualTo(total);
      assertThat(Db.number(file, "SELECT count(DISTINCT step) FROM metrics")).isEqualTo(total);
      assertThat(Db.number(file, "SELECT min(step) FROM metrics")).isZero();
      assertThat(Db.number(file, "SELECT max(step) FROM metrics")).isEqualTo(total - 1);
      assertThat(get(runId).metrics().get("m"))
          .isEqualTo(new Metric("m", (total - 1) * 0.5, 1000 + total - 1, total - 1));
    }
  }

  @Nested
  @DisplayName("metric history")
  class History {

    @Test
    @DisplayName("pages in step then timestamp order with opaque tokens")
    void pages() {
      String runId = run(experiment("e"), "r", 1).runId();
      List<Metric> points = new ArrayList<>();
      for (int step = 24; step >= 0; step--) {
        points.add(new Metric("m", step, 1000 - step, step));
      }
      points.add(new Metric("m", -1, 2000, 3));
      points.add(new Metric("other", 1, 1, 1));
      tracking.logBatch(runId, points, List.of(), List.of());
      List<Metric> all = new ArrayList<>();
      Set<String> tokens = new HashSet<>();
      @Nullable String token = null;
      do {
        Page<Metric> page = tracking.getMetricHistory(runId, "m", 10, token);
        assertThat(page.items()).hasSizeLessThanOrEqualTo(10);
        all.addAll(page.items());
        token = page.nextPageToken();
        if (token != null) {
          assertThat(tokens.add(token)).isTrue();
        }
      } while (token != null);
      assertThat(all).hasSize(26);
      assertThat(all).extracting(Metric::step).isSorted();
      assertThat(all.get(3)).isEqualTo(new Metric("m", 3, 997, 3));
      assertThat(all.get(4)).isEqualTo(new Metric("m", -1, 2000, 3));
      assertThat(tokens).hasSize(2);
    }

    @Test
    @DisplayName("rejects a token it did not issue and a missing run")
    void badInput() {
      String runId = run(experiment("e"), "r", 1).runId();
      assertThatThrownBy(() -> tracking.getMetricHistory(runId, "m", 10, "garbage"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(
              () -> tracking.getMetricHistory("0123456789abcdef0123456789abcdef", "m", 10, null))
          .isInstanceOf(NotFoundException.class);
      assertThat(tracking.getMetricHistory(runId, "none", 10, null).items()).isEmpty();
    }
  }

  @Test
  @DisplayName("allows larger batches than MLflow's REST limits")
  void limits() {
    assertThat(tracking.batchLimits().maxMetrics()).isGreaterThan(1000);
    assertThat(tracking.batchLimits().maxEntities())
        .isGreaterThanOrEqualTo(tracking.batchLimits().maxMetrics());
  }
}
