package dev.mlops.internal.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunOptions;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.internal.tracking.FakeTrackingBackend.Gate;
import dev.mlops.spi.BatchLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DefaultTracking")
@Timeout(60)
class DefaultTrackingTest {

  @TempDir Path tempDir;
  TrackingFixture fixture;
  FakeTrackingBackend backend;
  DefaultTracking tracking;

  @BeforeEach
  void setUp() {
    fixture = new TrackingFixture(tempDir);
    backend = fixture.backend;
    tracking = fixture.tracking;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Nested
  @DisplayName("starting runs")
  class StartingRuns {

    @Test
    @DisplayName(
        "a run in a new experiment creates it and gets MLflow's system tags and a generated name")
    void startRunCreatesExperiment() {
      try (ActiveRun run = tracking.startRun("fraud-model")) {
        Experiment exp = tracking.getExperimentByName("fraud-model").orElseThrow();
        assertThat(run.experimentId()).isEqualTo(exp.experimentId());
        RunInfo info = backend.runInfo(run.runId());
        assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(info.runName()).matches("[a-z]+-[a-z]+-\\d{1,3}");
        assertThat(info.userId()).isEqualTo("alice");
        assertThat(run.artifactUri()).isEqualTo(info.artifactUri());
        assertThat(backend.storedTags(run.runId()))
            .containsEntry("mlflow.runName", info.runName())
            .containsEntry("mlflow.user", "alice")
            .containsEntry("mlflow.source.type", "LOCAL")
            .doesNotContainKey("mlflow.parentRunId");
      }
    }

    @Test
    @DisplayName("options give the run its name, tags and start time")
    void startRunWithOptions() {
      RunOptions options =
          RunOptions.builder("exp").runName("nightly").tag("team", "risk").startTime(1234).build();
      try (ActiveRun run = tracking.startRun(options)) {
        RunInfo info = backend.runInfo(run.runId());
        assertThat(info.runName()).isEqualTo("nightly");
        assertThat(info.startTime()).isEqualTo(1234);
        assertThat(backend.storedTags(run.runId()))
            .containsEntry("team", "risk")
            .containsEntry("mlflow.runName", "nightly");
      }
      try (ActiveRun run = tracking.startRun("exp", "second")) {
        assertThat(backend.runInfo(run.runId()).runName()).isEqualTo("second");
      }
    }

    @Test
    @DisplayName("the user falls back to the user.name system property when USER is not set")
    void userFromSystemProperty(@TempDir Path other) {
      try (TrackingFixture f = new TrackingFixture(other, 100, Duration.ofSeconds(5), Map.of());
          ActiveRun run = f.tracking.startRun("exp")) {
        assertThat(f.backend.runInfo(run.runId()).userId())
            .isEqualTo(System.getProperty("user.name", ""));
      }
    }

    @Test
    @DisplayName("a second run reuses the experiment")
    void reusesExperiment() {
      String first;
      try (ActiveRun run = tracking.startRun("exp")) {
        first = run.experimentId();
      }
      try (ActiveRun run = tracking.startRun("exp")) {
        assertThat(run.experimentId()).isEqualTo(first);
      }
      assertThat(backend.experimentCount()).isEqualTo(1);
    }

    @Test
    @DisplayName(
        "when another caller creates the experiment first, the run goes into that experiment")
    void creationRaceIsResolved() {
      String id = tracking.createExperiment("raced");
      backend.hideNextNameLookups(1);

      try (ActiveRun run = tracking.startRun("raced")) {
        assertThat(run.experimentId()).isEqualTo(id);
      }
      assertThat(backend.experimentCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("8 threads starting runs in a new experiment share one experiment")
    void concurrentStarts() throws InterruptedException {
      Set<String> experimentIds = ConcurrentHashMap.newKeySet();
      List<Throwable> errors = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                    try (ActiveRun run = tracking.startRun("shared")) {
                      experimentIds.add(run.experimentId());
                    }
                  } catch (Throwable e) {
                    synchronized (errors) {
                      errors.add(e);
                    }
                  }
                });
        t.start();
        threads.add(t);
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
      assertThat(experimentIds).hasSize(1);
      assertThat(backend.experimentCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a deleted experiment of that name is an error that says how to restore it")
    void deletedExperiment() {
      String id = tracking.createExperiment("old");
      tracking.deleteExperiment(id);

      assertThatThrownBy(() -> tracking.startRun("old"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'old'")
          .hasMessageContaining("is deleted")
          .hasMessageContaining("restoreExperiment(\"" + id + "\")");
      assertThatThrownBy(() -> tracking.getOrCreateExperiment("old"))
          .isInstanceOf(InvalidInputException.class);

      tracking.restoreExperiment(id);
      assertThat(tracking.getOrCreateExperiment("old").experimentId()).isEqualTo(id);
    }

    @Test
    @DisplayName("a child run is nested in the parent's experiment")
    void childRun() {
      try (ActiveRun parent = tracking.startRun("exp");
          ActiveRun child = parent.startChild("fold-1")) {
        assertThat(child.experimentId()).isEqualTo(parent.experimentId());
        assertThat(backend.runInfo(child.runId()).runName()).isEqualTo("fold-1");
        assertThat(backend.storedTags(child.runId()))
            .containsEntry("mlflow.parentRunId", parent.runId())
            .containsEntry("mlflow.runName", "fold-1");
      }
    }

    @Test
    @DisplayName("a missing parent run is reported before anything is created")
    void missingParent() {
      RunOptions options = RunOptions.builder("exp").parentRunId("abcdef").build();
      assertThatThrownBy(() -> tracking.startRun(options))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("abcdef");
      assertThat(backend.experimentCount()).isZero();
    }

    @Test
    @DisplayName("bad names, tags and start times are rejected before anything is created")
    void validation() {
      assertThatThrownBy(() -> tracking.startRun("")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.startRun("x".repeat(501)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("501");
      assertThatThrownBy(() -> tracking.startRun("exp", " "))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(
              () -> tracking.startRun(RunOptions.builder("exp").tag("bad*key", "v").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("bad*key");
      assertThatThrownBy(() -> tracking.startRun(RunOptions.builder("exp").startTime(-1).build()))
          .isInstanceOf(InvalidInputException.class);
      assertThat(backend.experimentCount()).isZero();
    }
  }

  @Nested
  @DisplayName("synchronous calls")
  class SynchronousCalls {

    @Test
    @DisplayName("experiments can be created, found, renamed, tagged, deleted and restored")
    void experiments() {
      String id = tracking.createExperiment("a", null, Map.of("owner", "bob"));
      assertThat(tracking.getExperiment(id)).map(Experiment::tags).hasValue(Map.of("owner", "bob"));
      tracking.renameExperiment(id, "b");
      tracking.setExperimentTag(id, "stage", "dev");
      assertThat(tracking.getExperimentByName("b").orElseThrow().tags())
          .containsEntry("stage", "dev");
      tracking.deleteExperiment(id);
      assertThat(tracking.getExperiment(id).orElseThrow().lifecycleStage())
          .isEqualTo(LifecycleStage.DELETED);
      tracking.restoreExperiment(id);
      assertThat(tracking.searchExperiments(SearchQuery.all()).items())
          .extracting(Experiment::name)
          .containsExactly("b");
    }

    @Test
    @DisplayName("bad ids, keys and values are rejected before the backend is called")
    void validation() {
      assertThatThrownBy(() -> tracking.getRun("has space"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.getExperiment("a/b"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.createExperiment("e", " ", Map.of()))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.setExperimentTag("1", "k", "v".repeat(5001)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("5000");
      assertThatThrownBy(() -> tracking.setTag("r1", "", "v"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.setRunStatus("r1", null))
          .isInstanceOf(InvalidInputException.class);
      assertThat(backend.experimentCount()).isZero();
    }

    @Test
    @DisplayName("a terminal status sets the end time; RUNNING leaves it empty")
    void setRunStatus() {
      ActiveRun run = tracking.startRun("exp");
      tracking.setRunStatus(run.runId(), RunStatus.SCHEDULED);
      assertThat(backend.runInfo(run.runId()).endTime()).isNull();
      tracking.setRunStatus(run.runId(), RunStatus.FINISHED);
      RunInfo info = backend.runInfo(run.runId());
      assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(info.endTime()).isNotNull();
      run.close();
    }

    @Test
    @DisplayName(
        "logBatch validates everything first, then writes in batches within the backend's limits")
    void logBatch() {
      backend.withBatchLimits(new BatchLimits(2, 2, 2, 3, 10_000));
      ActiveRun run = tracking.startRun("exp");
      List<Metric> metrics =
          IntStream.range(0, 5).mapToObj(i -> new Metric("m", i, 1000, i)).toList();
      int before = backend.batchCalls().size();

      assertThatThrownBy(
              () ->
                  tracking.logBatch(
                      run.runId(),
                      List.of(new Metric("m", 1, 1, 1), new Metric("m", Double.NaN, 1, 2)),
                      List.of(),
                      List.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("NaN");
      assertThat(backend.batchCalls()).hasSize(before);

      tracking.logBatch(
          run.runId(), metrics, List.of(new Param("p", "1")), List.of(new Tag("t", "x")));
      assertThat(backend.batchCalls().subList(before, backend.batchCalls().size()))
          .hasSize(3)
          .allSatisfy(c -> assertThat(c.metrics() + c.params() + c.tags()).isLessThanOrEqualTo(3));
      assertThat(backend.storedMetrics(run.runId())).hasSize(5);
      run.close();
    }

    @Test
    @DisplayName("tags can be set and deleted synchronously")
    void tags() {
      ActiveRun run = tracking.startRun("exp");
      tracking.setTag(run.runId(), "team", "risk");
      assertThat(tracking.getRun(run.runId()).orElseThrow().tags()).containsEntry("team", "risk");
      tracking.deleteTag(run.runId(), "team");
      assertThat(tracking.getRun(run.runId()).orElseThrow().tags()).doesNotContainKey("team");
      run.close();
    }

    @Test
    @DisplayName("a metric history is read across every page")
    void metricHistoryFollowsPages() {
      backend.withMaxPageSize(3);
      ActiveRun run = tracking.startRun("exp");
      for (int step = 9; step >= 0; step--) {
        run.logMetric("loss", step / 10.0, step, 1000 + step);
      }
      run.flush();

      List<Metric> history = tracking.getMetricHistory(run.runId(), "loss");

      assertThat(history)
          .extracting(Metric::step)
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(backend.historyCalls()).isEqualTo(4);
      run.close();
    }

    @Test
    @DisplayName("streamRuns fetches a page only when the stream needs it")
    void streamRunsIsLazy() {
      backend.withMaxPageSize(2);
      List<String> ids = new ArrayList<>();
      String experimentId = null;
      for (int i = 0; i < 5; i++) {
        try (ActiveRun run =
            tracking.startRun(RunOptions.builder("exp").startTime(1000 + i).build())) {
          ids.add(0, run.runId());
          experimentId = run.experimentId();
        }
      }
      RunQuery query = RunQuery.builder().experimentIds(experimentId).build();

      Stream<Run> stream = tracking.streamRuns(query);
      assertThat(backend.searchRunsCalls()).isZero();
      assertThat(stream.limit(1).map(Run::runId).toList()).containsExactly(ids.get(0));
      assertThat(backend.searchRunsCalls()).isEqualTo(1);

      assertThat(tracking.streamRuns(query).map(Run::runId).toList()).isEqualTo(ids);
      assertThat(backend.searchRunsCalls()).isEqualTo(1 + 3);
      assertThat(tracking.searchRuns(query).items()).hasSize(2);
    }
  }

  @Nested
  @DisplayName("closing")
  class Closing {

    @Test
    @DisplayName("close writes pending points, ends open runs KILLED and refuses further use")
    void closeEndsOpenRuns() {
      ActiveRun run = tracking.startRun("exp");
      run.logMetric("loss", 0.5, 1);
      ActiveRun done = tracking.startRun("exp");
      done.close();

      tracking.close();

      assertThat(backend.storedMetrics(run.runId())).hasSize(1);
      RunInfo info = backend.runInfo(run.runId());
      assertThat(info.status()).isEqualTo(RunStatus.KILLED);
      assertThat(info.endTime()).isNotNull();
      assertThat(backend.runInfo(done.runId()).status()).isEqualTo(RunStatus.FINISHED);
      assertThatThrownBy(() -> run.logMetric("loss", 0.1))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking.startRun("exp"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("closed");
      tracking.close(); // idempotent
    }

    @Test
    @DisplayName("close gives up on a backend that never answers after the close timeout")
    void closeWithStuckBackend(@TempDir Path other) throws InterruptedException {
      TrackingFixture f = new TrackingFixture(other, 100, Duration.ofMillis(50), Map.of());
      try {
        ActiveRun run = f.tracking.startRun("exp");
        Gate gate = f.backend.closeGate();
        run.logMetric("loss", 0.5, 1);
        gate.awaitEntered();

        f.tracking.close();

        assertThat(f.backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.KILLED);
        assertThat(f.backend.storedMetrics(run.runId())).isEmpty();
      } finally {
        f.close();
      }
    }
  }
}
