package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mlops.ActiveRun;
import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunOptions;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.Tracking;
import dev.mlops.ViewType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tracking contract: what every tracking backend must do, seen through {@link Tracking} and
 * {@link ActiveRun}. A backend runs it with a short subclass that opens an {@link Mlops} on a fresh
 * store (see the {@linkplain dev.mlops.testkit package documentation}).
 *
 * <pre>{@code
 * class EmbeddedTrackingContractTest extends TrackingBackendContract {
 *   @Override
 *   protected Mlops openMlops(Path workDir) {
 *     return Mlops.builder()
 *         .trackingUri("sqlite:///" + workDir.resolve("mlflow.db").toAbsolutePath())
 *         .workingDirectory(workDir)
 *         .cacheDir(workDir.resolve("cache"))
 *         .build();
 *   }
 * }
 * }</pre>
 *
 * <p>Names of experiments start with a prefix unique to each test, so a backend that cannot give a
 * fresh store per test still runs the contract. The kit closes every {@link Mlops} it opens.
 */
public abstract class TrackingBackendContract extends MlopsContract {

  private static final long T0 = 1_700_000_000_000L;

  /** The current test's tracking facade. */
  protected final Tracking tracking() {
    return mlops().tracking();
  }

  // ---- shared helpers

  private Run run(String runId) {
    return tracking()
        .getRun(runId)
        .orElseThrow(() -> new AssertionError("run " + runId + " should exist"));
  }

  private Experiment experiment(String experimentId) {
    return tracking()
        .getExperiment(experimentId)
        .orElseThrow(() -> new AssertionError("experiment " + experimentId + " should exist"));
  }

  private List<String> experimentNames(ViewType view) {
    List<String> names = new ArrayList<>();
    SearchQuery q =
        SearchQuery.builder()
            .filter("name LIKE '" + prefix() + "%'")
            .orderBy("name ASC")
            .viewType(view)
            .build();
    Page<Experiment> page = tracking().searchExperiments(q);
    page.items().forEach(e -> names.add(e.name()));
    while (page.hasNext()) {
      page = tracking().searchExperiments(q.withPageToken(page.nextPageToken()));
      page.items().forEach(e -> names.add(e.name()));
    }
    return names;
  }

  private static List<String> runNames(List<Run> runs) {
    return runs.stream().map(r -> r.info().runName()).toList();
  }

  private List<Run> allPages(RunQuery query) {
    List<Run> runs = new ArrayList<>();
    Page<Run> page = tracking().searchRuns(query);
    runs.addAll(page.items());
    int pages = 1;
    while (page.hasNext()) {
      assertThat(pages).as("pages walked for %s", query).isLessThan(1_000);
      page = tracking().searchRuns(query.withPageToken(page.nextPageToken()));
      runs.addAll(page.items());
      pages++;
    }
    return runs;
  }

  private static <T> List<T> inParallel(int threads, List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> f : pool.invokeAll(tasks)) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Long> steps(List<Metric> history) {
    return history.stream().map(Metric::step).toList();
  }

  // ---- experiments

  /** Creating, finding, renaming, tagging and searching experiments. */
  @Nested
  @DisplayName("Experiments")
  class Experiments {

    @Test
    @DisplayName("a created experiment is found by id and by name, active, with its tags")
    void createAndGet() {
      String id = tracking().createExperiment(name("exp"), null, Map.of("team", "risk"));

      Experiment byId = experiment(id);
      assertThat(byId.experimentId()).isEqualTo(id);
      assertThat(byId.name()).isEqualTo(name("exp"));
      assertThat(byId.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(byId.tags()).containsEntry("team", "risk");
      assertThat(byId.artifactLocation()).isNotBlank();
      assertThat(byId.creationTime()).isPositive();
      assertThat(tracking().getExperimentByName(name("exp"))).contains(byId);
    }

    @Test
    @DisplayName(
        "an experiment created with an artifact location gives its runs artifact URIs under it")
    void explicitArtifactLocation() {
      String location = workDir().resolve("custom-root").toUri().toString();
      String id = tracking().createExperiment(name("exp"), location, Map.of());

      assertThat(experiment(id).artifactLocation()).contains("custom-root");
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThat(run.experimentId()).isEqualTo(id);
        assertThat(run.artifactUri()).contains("custom-root").contains(run.runId());
      }
    }

    @Test
    @DisplayName("creating an experiment with a name already taken fails naming the name")
    void duplicateName() {
      tracking().createExperiment(name("exp"));

      assertThatThrownBy(() -> tracking().createExperiment(name("exp")))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining(name("exp"));
      assertThat(experimentNames(ViewType.ALL)).containsExactly(name("exp"));
    }

    @Test
    @DisplayName("an unknown experiment id or name gives an empty result, not an exception")
    void unknownExperiment() {
      assertThat(tracking().getExperiment("987654321")).isEmpty();
      assertThat(tracking().getExperimentByName(name("missing"))).isEmpty();
    }

    @Test
    @DisplayName("getOrCreateExperiment returns the same experiment on every call")
    void getOrCreateIsStable() {
      Experiment first = tracking().getOrCreateExperiment(name("exp"));
      Experiment second = tracking().getOrCreateExperiment(name("exp"));

      assertThat(second.experimentId()).isEqualTo(first.experimentId());
      assertThat(experimentNames(ViewType.ALL)).containsExactly(name("exp"));
    }

    @Test
    @DisplayName("eight threads calling getOrCreateExperiment at once get one experiment")
    void getOrCreateConcurrently() throws Exception {
      List<Callable<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(() -> tracking().getOrCreateExperiment(name("shared")).experimentId());
      }

      List<String> ids = inParallel(8, tasks);

      assertThat(new HashSet<>(ids)).hasSize(1);
      assertThat(experimentNames(ViewType.ALL)).containsExactly(name("shared"));
    }

    @Test
    @DisplayName("starting a run in a missing experiment creates the experiment")
    void startRunCreatesExperiment() {
      try (ActiveRun run = tracking().startRun(name("auto"))) {
        Experiment e = tracking().getExperimentByName(name("auto")).orElseThrow();
        assertThat(run.experimentId()).isEqualTo(e.experimentId());
      }
    }

    @Test
    @DisplayName("an experiment tag is set, then overwritten by setting it again")
    void experimentTags() {
      String id = tracking().createExperiment(name("exp"));

      tracking().setExperimentTag(id, "stage", "dev");
      assertThat(experiment(id).tags()).containsEntry("stage", "dev");
      tracking().setExperimentTag(id, "stage", "prod");
      assertThat(experiment(id).tags()).containsEntry("stage", "prod");
    }

    @Test
    @DisplayName("a renamed experiment is found by its new name only and keeps its id")
    void rename() {
      assumeThat(capabilities().supportsExperimentRename())
          .as("backend supports renaming experiments")
          .isTrue();
      String id = tracking().createExperiment(name("old"));

      tracking().renameExperiment(id, name("new"));

      assertThat(experiment(id).name()).isEqualTo(name("new"));
      assertThat(tracking().getExperimentByName(name("old"))).isEmpty();
      assertThat(tracking().getExperimentByName(name("new")))
          .map(Experiment::experimentId)
          .contains(id);
    }

    @Test
    @DisplayName("renaming an experiment to a name already taken fails and changes nothing")
    void renameToTakenName() {
      assumeThat(capabilities().supportsExperimentRename())
          .as("backend supports renaming experiments")
          .isTrue();
      String a = tracking().createExperiment(name("a"));
      tracking().createExperiment(name("b"));

      assertThatThrownBy(() -> tracking().renameExperiment(a, name("b")))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining(name("b"));
      assertThat(experiment(a).name()).isEqualTo(name("a"));
    }

    @Test
    @DisplayName("renaming an unknown experiment fails with NotFoundException naming the id")
    void renameUnknown() {
      assumeThat(capabilities().supportsExperimentRename())
          .as("backend supports renaming experiments")
          .isTrue();
      assertThatThrownBy(() -> tracking().renameExperiment("987654321", name("x")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("987654321");
    }

    @Test
    @DisplayName("searching experiments by name pattern walks every page in name order")
    void searchPages() {
      for (String s : List.of("e3", "e1", "e5", "e2", "e4")) {
        tracking().createExperiment(name(s));
      }
      SearchQuery q =
          SearchQuery.builder()
              .filter("name LIKE '" + name("e") + "%'")
              .orderBy("name ASC")
              .maxResults(2)
              .build();

      Page<Experiment> first = tracking().searchExperiments(q);
      Page<Experiment> second =
          tracking().searchExperiments(q.withPageToken(first.nextPageToken()));
      Page<Experiment> third =
          tracking().searchExperiments(q.withPageToken(second.nextPageToken()));

      assertThat(first.items())
          .extracting(Experiment::name)
          .containsExactly(name("e1"), name("e2"));
      assertThat(second.items())
          .extracting(Experiment::name)
          .containsExactly(name("e3"), name("e4"));
      assertThat(third.items()).extracting(Experiment::name).containsExactly(name("e5"));
      assertThat(third.hasNext()).isFalse();
    }

    @Test
    @DisplayName("searching experiments by tag finds exactly the tagged ones")
    void searchByTag() {
      tracking().createExperiment(name("a"), null, Map.of("team", "risk"));
      tracking().createExperiment(name("b"), null, Map.of("team", "ops"));

      Page<Experiment> page =
          tracking()
              .searchExperiments(
                  SearchQuery.filter("name LIKE '" + prefix() + "%' AND tags.team = 'risk'"));

      assertThat(page.items()).extracting(Experiment::name).containsExactly(name("a"));
    }
  }

  // ---- runs

  /** Starting runs and reading them back. */
  @Nested
  @DisplayName("Runs")
  class Runs {

    @Test
    @DisplayName("a started run is RUNNING and active, in its experiment, with no end time")
    void startedRun() {
      long before = System.currentTimeMillis();
      try (ActiveRun run = tracking().startRun(name("exp"), "first")) {
        Run stored = run(run.runId());

        assertThat(stored.info().runId()).isEqualTo(run.runId());
        assertThat(stored.info().experimentId()).isEqualTo(run.experimentId());
        assertThat(stored.info().runName()).isEqualTo("first");
        assertThat(stored.info().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(stored.info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(stored.info().endTime()).isNull();
        assertThat(stored.info().startTime()).isGreaterThanOrEqualTo(before);
        assertThat(stored.info().artifactUri()).isEqualTo(run.artifactUri()).isNotBlank();
      }
    }

    @Test
    @DisplayName("a run started without a name gets a generated, non-empty name")
    void generatedName() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThat(run(run.runId()).info().runName()).isNotBlank();
      }
    }

    @Test
    @DisplayName("run options set the start time and the initial tags")
    void runOptions() {
      RunOptions options =
          RunOptions.builder(name("exp"))
              .runName("with-options")
              .startTime(T0)
              .tag("team", "risk")
              .tag("owner", "ana")
              .build();
      try (ActiveRun run = tracking().startRun(options)) {
        Run stored = run(run.runId());

        assertThat(stored.info().startTime()).isEqualTo(T0);
        assertThat(stored.info().runName()).isEqualTo("with-options");
        assertThat(stored.tags()).containsEntry("team", "risk").containsEntry("owner", "ana");
      }
    }

    @Test
    @DisplayName("two runs get different ids")
    void distinctIds() {
      try (ActiveRun a = tracking().startRun(name("exp"));
          ActiveRun b = tracking().startRun(name("exp"))) {
        assertThat(a.runId()).isNotEqualTo(b.runId()).isNotBlank();
      }
    }

    @Test
    @DisplayName("an unknown run id gives an empty result")
    void unknownRun() {
      assertThat(tracking().getRun("0123456789abcdef0123456789abcdef")).isEmpty();
    }

    @Test
    @DisplayName("setting a terminal status records it with an end time")
    void setRunStatus() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        tracking().setRunStatus(run.runId(), RunStatus.KILLED);

        Run stored = run(run.runId());
        assertThat(stored.info().status()).isEqualTo(RunStatus.KILLED);
        assertThat(stored.info().endTime()).isNotNull();
      }
    }

    @Test
    @DisplayName("logBatch writes metrics, params and tags that are visible at once")
    void logBatchIsSynchronous() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        tracking()
            .logBatch(
                run.runId(),
                List.of(new Metric("rmse", 0.5, T0, 1), new Metric("rmse", 0.4, T0 + 1, 2)),
                List.of(new Param("alpha", "0.5")),
                List.of(new Tag("team", "risk")));

        Run stored = run(run.runId());
        assertThat(stored.params()).containsEntry("alpha", "0.5");
        assertThat(stored.tags()).containsEntry("team", "risk");
        assertThat(stored.metrics().get("rmse")).isEqualTo(new Metric("rmse", 0.4, T0 + 1, 2));
      }
    }

    @Test
    @DisplayName("logBatch to an unknown run fails with NotFoundException naming the run")
    void logBatchUnknownRun() {
      String missing = "0123456789abcdef0123456789abcdef";
      assertThatThrownBy(
              () ->
                  tracking().logBatch(missing, List.of(), List.of(new Param("a", "1")), List.of()))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(missing);
    }
  }

  // ---- params

  /** Run parameters. */
  @Nested
  @DisplayName("Params")
  class Params {

    @Test
    @DisplayName("params logged as strings, objects and maps are stored as strings")
    void paramKinds() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logParam("s", "text").logParam("d", 0.5).logParam("i", 10).logParam("b", true);
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("layers", 3);
        more.put("optimizer", "adam");
        run.logParams(more);
        run.flush();

        assertThat(run(run.runId()).params())
            .containsEntry("s", "text")
            .containsEntry("d", "0.5")
            .containsEntry("i", "10")
            .containsEntry("b", "true")
            .containsEntry("layers", "3")
            .containsEntry("optimizer", "adam");
      }
    }

    @Test
    @DisplayName("a param re-logged with the same value is accepted")
    void sameValueTwice() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logParam("alpha", "0.5");
        run.flush();
        run.logParam("alpha", "0.5");
        run.flush();

        assertThat(run(run.runId()).params()).containsEntry("alpha", "0.5");
      }
    }

    @Test
    @DisplayName(
        "a param re-logged with another value fails at flush naming the key, and keeps its first value")
    void otherValueFailsAtFlush() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logParam("alpha", "0.5");
        run.flush();
        run.logParam("alpha", "0.9");

        assertThatThrownBy(run::flush)
            .isInstanceOf(MlopsException.class)
            .hasMessageContaining("alpha");
        assertThat(run(run.runId()).params()).containsEntry("alpha", "0.5");
      }
    }

    @Test
    @DisplayName("logBatch with a param of another value fails naming the key")
    void otherValueInBatch() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        tracking().logBatch(run.runId(), List.of(), List.of(new Param("alpha", "0.5")), List.of());

        assertThatThrownBy(
                () ->
                    tracking()
                        .logBatch(
                            run.runId(), List.of(), List.of(new Param("alpha", "1")), List.of()))
            .isInstanceOf(MlopsException.class)
            .hasMessageContaining("alpha");
        assertThat(run(run.runId()).params()).containsEntry("alpha", "0.5");
      }
    }

    @Test
    @DisplayName("a param value of 6000 characters and an empty value are stored intact")
    void valueLimits() {
      String longest = "x".repeat(6000);
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logParam("long", longest).logParam("empty", "");
        run.flush();

        assertThat(run(run.runId()).params())
            .containsEntry("long", longest)
            .containsEntry("empty", "");
      }
    }
  }

  // ---- metrics

  /** Metric points and each metric's latest value. */
  @Nested
  @DisplayName("Metrics")
  class Metrics {

    @Test
    @DisplayName(
        "a metric logged twice at the same step with the same timestamp and value is stored once")
    void identicalPointStoredOnce() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("loss", 0.25, 3, T0);
        run.logMetric("loss", 0.25, 3, T0);
        run.flush();

        assertThat(tracking().getMetricHistory(run.runId(), "loss"))
            .containsExactly(new Metric("loss", 0.25, T0, 3));
      }
    }

    @Test
    @DisplayName("two points at the same step with different values are both stored")
    void sameStepDifferentValues() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("loss", 0.25, 3, T0);
        run.logMetric("loss", 0.5, 3, T0);
        run.flush();

        assertThat(tracking().getMetricHistory(run.runId(), "loss"))
            .extracting(Metric::value)
            .containsExactlyInAnyOrder(0.25, 0.5);
      }
    }

    @Test
    @DisplayName(
        "the latest value of a metric is the point with the highest step, not the last logged")
    void latestIsHighestStep() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("acc", 0.9, 5, T0);
        run.logMetric("acc", 0.1, 2, T0 + 10);
        run.flush();

        assertThat(run(run.runId()).metrics().get("acc")).isEqualTo(new Metric("acc", 0.9, T0, 5));
      }
    }

    @Test
    @DisplayName("at equal steps the latest value is the point with the highest timestamp")
    void latestAtEqualStepsIsNewestTimestamp() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("acc", 0.7, 4, T0 + 50);
        run.logMetric("acc", 0.2, 4, T0);
        run.flush();

        assertThat(run(run.runId()).metrics().get("acc"))
            .isEqualTo(new Metric("acc", 0.7, T0 + 50, 4));
      }
    }

    @Test
    @DisplayName("a metric logged without step or timestamp is at step 0 and timestamped now")
    void defaultsStepAndTimestamp() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        long before = System.currentTimeMillis();
        run.logMetric("auc", 0.91);
        long after = System.currentTimeMillis();
        run.flush();

        List<Metric> history = tracking().getMetricHistory(run.runId(), "auc");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).step()).isZero();
        assertThat(history.get(0).value()).isEqualTo(0.91);
        assertThat(history.get(0).timestamp()).isBetween(before, after);
      }
    }

    @Test
    @DisplayName("negative, zero, huge and tiny finite values round-trip exactly")
    void extremeValues() {
      double[] values = {-1.5, 0.0, 1e300, -1e-300, Double.MAX_VALUE, Double.MIN_VALUE, 0.1 + 0.2};
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        for (int i = 0; i < values.length; i++) {
          run.logMetric("v", values[i], i, T0);
        }
        run.flush();

        assertThat(tracking().getMetricHistory(run.runId(), "v"))
            .extracting(Metric::value)
            .containsExactly(Arrays.stream(values).boxed().toArray(Double[]::new));
      }
    }

    @Test
    @DisplayName(
        "a key of letters, digits, slashes, dots, dashes, underscores, spaces and colons is accepted")
    void allowedKeyCharacters() {
      String key = "val/loss.v2-a_b c:d";
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric(key, 1.0, 0, T0);
        run.flush();

        assertThat(run(run.runId()).metrics()).containsKey(key);
      }
    }

    @Test
    @DisplayName("a run that logged no metric has empty metrics and an empty history")
    void noMetrics() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.flush();

        assertThat(run(run.runId()).metrics()).isEmpty();
        assertThat(tracking().getMetricHistory(run.runId(), "missing")).isEmpty();
      }
    }
  }

  // ---- tags

  /** Run tags. */
  @Nested
  @DisplayName("Tags")
  class Tags {

    @Test
    @DisplayName("a tag set again is overwritten")
    void overwrite() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.setTag("team", "risk");
        run.flush();
        run.setTag("team", "ops");
        run.flush();

        assertThat(run(run.runId()).tags()).containsEntry("team", "ops");
      }
    }

    @Test
    @DisplayName("a tag set synchronously is visible at once and removed by deleteTag")
    void setAndDelete() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        tracking().setTag(run.runId(), "note", "keep");
        tracking().setTag(run.runId(), "tmp", "drop");
        assertThat(run(run.runId()).tags()).containsEntry("tmp", "drop");

        tracking().deleteTag(run.runId(), "tmp");

        assertThat(run(run.runId()).tags()).containsEntry("note", "keep").doesNotContainKey("tmp");
      }
    }

    @Test
    @DisplayName("a tag value of 8000 characters and a unicode value are stored intact")
    void valueLimits() {
      String longest = "y".repeat(8000);
      String unicode = "équipe 風險 🚀";
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.setTag("long", longest).setTag("unicode", unicode);
        run.flush();

        assertThat(run(run.runId()).tags())
            .containsEntry("long", longest)
            .containsEntry("unicode", unicode);
      }
    }

    @Test
    @DisplayName("a run's name is stored as the mlflow.runName system tag")
    void runNameTag() {
      try (ActiveRun run = tracking().startRun(name("exp"), "named")) {
        assertThat(run(run.runId()).tags()).containsEntry("mlflow.runName", "named");
      }
    }
  }

  // ---- nested runs

  /** Child runs. */
  @Nested
  @DisplayName("Nested runs")
  class NestedRuns {

    @Test
    @DisplayName(
        "a child run is in its parent's experiment and points at the parent with mlflow.parentRunId")
    void childPointsAtParent() {
      try (ActiveRun parent = tracking().startRun(name("exp"), "parent");
          ActiveRun child = parent.startChild("fold-1")) {
        Run stored = run(child.runId());

        assertThat(stored.info().experimentId()).isEqualTo(parent.experimentId());
        assertThat(stored.info().runName()).isEqualTo("fold-1");
        assertThat(stored.tags()).containsEntry("mlflow.parentRunId", parent.runId());
      }
    }

    @Test
    @DisplayName("a run started with a parent run id in its options is a child of that run")
    void parentFromOptions() {
      try (ActiveRun parent = tracking().startRun(name("exp"));
          ActiveRun child =
              tracking()
                  .startRun(RunOptions.builder(name("exp")).parentRunId(parent.runId()).build())) {
        assertThat(run(child.runId()).tags()).containsEntry("mlflow.parentRunId", parent.runId());
      }
    }

    @Test
    @DisplayName("the children of a run are found by searching on mlflow.parentRunId")
    void searchChildren() {
      String parentId;
      try (ActiveRun parent = tracking().startRun(name("exp"), "parent")) {
        parentId = parent.runId();
        for (int i = 1; i <= 3; i++) {
          try (ActiveRun child = parent.startChild("fold-" + i)) {
            child.logMetric("auc", 0.5 + i / 10.0, 0, T0);
          }
        }
        Page<Run> children =
            tracking()
                .searchRuns(
                    RunQuery.builder()
                        .experimentIds(parent.experimentId())
                        .filter("tags.mlflow.parentRunId = '" + parentId + "'")
                        .orderBy("attributes.run_name ASC")
                        .build());

        assertThat(runNames(children.items())).containsExactly("fold-1", "fold-2", "fold-3");
        assertThat(children.items())
            .allSatisfy(r -> assertThat(r.info().status()).isEqualTo(RunStatus.FINISHED));
      }
      assertThat(run(parentId).info().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  // ---- metric history

  /** The full history of a metric. */
  @Nested
  @DisplayName("Metric history")
  class MetricHistory {

    @Test
    @DisplayName("the history is returned in step order whatever the logging order")
    void stepOrder() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        for (long step : new long[] {3, 1, 4, 0, 2}) {
          run.logMetric("loss", step * 0.1, step, T0 + step);
        }
        run.flush();

        assertThat(steps(tracking().getMetricHistory(run.runId(), "loss")))
            .containsExactly(0L, 1L, 2L, 3L, 4L);
      }
    }

    @Test
    @DisplayName(
        "2,500 points (more than one batch or page) come back complete, each once, in order")
    void manyPoints() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        for (int i = 0; i < 2_500; i++) {
          run.logMetric("loss", 1.0 / (i + 1), i, T0 + i);
        }
        run.flush();

        List<Metric> history = tracking().getMetricHistory(run.runId(), "loss");
        assertThat(steps(history)).containsExactlyElementsOf(range(0, 2_500));
        assertThat(history.get(2_499))
            .isEqualTo(new Metric("loss", 1.0 / 2_500, T0 + 2_499, 2_499));
      }
    }

    @Test
    @DisplayName("the histories of two metrics of one run do not mix")
    void keysAreSeparate() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("a", 1, 0, T0).logMetric("b", 2, 0, T0).logMetric("a", 3, 1, T0);
        run.flush();

        assertThat(tracking().getMetricHistory(run.runId(), "a"))
            .extracting(Metric::value)
            .containsExactly(1.0, 3.0);
        assertThat(tracking().getMetricHistory(run.runId(), "b"))
            .containsExactly(new Metric("b", 2, T0, 0));
      }
    }

    @Test
    @DisplayName("points from logBatch and from the active run end up in one history")
    void batchAndAsyncMerge() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        run.logMetric("loss", 0.9, 0, T0);
        run.flush();
        tracking()
            .logBatch(
                run.runId(), List.of(new Metric("loss", 0.5, T0 + 1, 1)), List.of(), List.of());
        run.logMetric("loss", 0.1, 2, T0 + 2);
        run.flush();

        assertThat(steps(tracking().getMetricHistory(run.runId(), "loss")))
            .containsExactly(0L, 1L, 2L);
      }
    }
  }

  // ---- search

  /**
   * Run search: every operator on metrics, params, tags and attributes, key quoting, order and
   * paging, over five runs whose values are listed in {@link #createRuns()}.
   */
  @Nested
  @DisplayName("Run search")
  class SearchRuns {

    private String experimentId = "";
    private final Map<String, String> ids = new LinkedHashMap<>();

    /**
     * Five runs, started one second apart from {@code T0}:
     *
     * <pre>
     * name         rmse  error rate  alpha  model-type  team      status
     * alpha-run    0.5   0.2         0.1    cnn         risk      FINISHED
     * beta-run     0.7   0.4         0.5    rnn         risk-eng  FINISHED
     * gamma-run    0.9   -           0.5    -           ops       FAILED
     * delta-run    1.1   -           1.0    -           Risk      FINISHED
     * epsilon-run  -     -           0.5    -           -         KILLED
     * </pre>
     */
    @BeforeEach
    void createRuns() {
      experimentId = tracking().createExperiment(name("search"));
      seed("alpha-run", 1, 0.5, 0.2, "0.1", "cnn", "risk", RunStatus.FINISHED);
      seed("beta-run", 2, 0.7, 0.4, "0.5", "rnn", "risk-eng", RunStatus.FINISHED);
      seed("gamma-run", 3, 0.9, null, "0.5", null, "ops", RunStatus.FAILED);
      seed("delta-run", 4, 1.1, null, "1.0", null, "Risk", RunStatus.FINISHED);
      seed("epsilon-run", 5, null, null, "0.5", null, null, RunStatus.KILLED);
    }

    private void seed(
        String runName,
        int second,
        @Nullable Double rmse,
        @Nullable Double errorRate,
        String alpha,
        @Nullable String modelType,
        @Nullable String team,
        RunStatus status) {
      RunOptions options =
          RunOptions.builder(name("search"))
              .runName(runName)
              .startTime(T0 + second * 1_000L)
              .build();
      ActiveRun run = tracking().startRun(options);
      List<Metric> metrics = new ArrayList<>();
      if (rmse != null) {
        metrics.add(new Metric("rmse", rmse, T0, 0));
      }
      if (errorRate != null) {
        metrics.add(new Metric("error rate", errorRate, T0, 0));
      }
      List<Param> params = new ArrayList<>(List.of(new Param("alpha", alpha)));
      if (modelType != null) {
        params.add(new Param("model-type", modelType));
      }
      List<Tag> tags = team == null ? List.of() : List.of(new Tag("team", team));
      tracking().logBatch(run.runId(), metrics, params, tags);
      run.end(status);
      run.close();
      ids.put(runName, run.runId());
    }

    private RunQuery.Builder query() {
      return RunQuery.builder().experimentIds(experimentId);
    }

    private List<String> search(String filter, String... orderBy) {
      return runNames(allPages(query().filter(filter).orderBy(orderBy).build()));
    }

    private String withIds(String filter) {
      String f = filter;
      for (Map.Entry<String, String> e : ids.entrySet()) {
        f = f.replace("{" + e.getKey() + "}", e.getValue());
      }
      return f;
    }

    @ParameterizedTest(name = "{0}  ->  {1}")
    @DisplayName("each filter operator selects exactly the runs it should")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        textBlock =
            """
            metrics.rmse = 0.7                       | beta-run
            metrics.rmse != 0.7                      | alpha-run gamma-run delta-run
            metrics.rmse < 0.9                       | alpha-run beta-run
            metrics.rmse <= 0.9                      | alpha-run beta-run gamma-run
            metrics.rmse > 0.9                       | delta-run
            metrics.rmse >= 0.9                      | gamma-run delta-run
            params.alpha = '0.5'                     | beta-run gamma-run epsilon-run
            params.alpha != '0.5'                    | alpha-run delta-run
            params.alpha LIKE '0.%'                  | alpha-run beta-run gamma-run epsilon-run
            params.alpha ILIKE '1.%'                 | delta-run
            tags.team = 'risk'                       | alpha-run
            tags.team != 'risk'                      | beta-run gamma-run delta-run
            tags.team LIKE 'risk%'                   | alpha-run beta-run
            tags.team ILIKE 'risk%'                  | alpha-run beta-run delta-run
            attributes.status = 'FAILED'             | gamma-run
            status != 'FINISHED'                     | gamma-run epsilon-run
            attributes.run_name = 'beta-run'         | beta-run
            run_name LIKE '%ta-run'                  | beta-run delta-run
            attributes.run_name ILIKE 'GAMMA%'       | gamma-run
            attributes.start_time >= 1700000003000   | gamma-run delta-run epsilon-run
            attributes.start_time < 1700000002000    | alpha-run
            """)
    void operators(String filter, String expected) {
      assertThat(search(filter))
          .as("runs matching %s", filter)
          .containsExactlyInAnyOrder(expected.split(" "));
    }

    @ParameterizedTest(name = "{0}  ->  {1}")
    @DisplayName("keys are quoted with backticks or double quotes, and clauses joined with AND")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        textBlock =
            """
            metrics.`error rate` < 0.3                                       | alpha-run
            metrics."error rate" > 0.3                                       | beta-run
            params.`model-type` = 'cnn'                                      | alpha-run
            params."model-type" != 'cnn'                                     | beta-run
            tags.`team` = 'ops'                                              | gamma-run
            metrics.rmse < 1.0 and params.alpha = '0.5' and tags.team LIKE 'risk%' | beta-run
            params.alpha like '0.%' AND metrics.rmse > 0.6                   | beta-run gamma-run
            """)
    void quoting(String filter, String expected) {
      assertThat(search(filter))
          .as("runs matching %s", filter)
          .containsExactlyInAnyOrder(expected.split(" "));
    }

    @Test
    @DisplayName("run ids are matched with IN and NOT IN")
    void runIdIn() {
      assertThat(search(withIds("attributes.run_id IN ('{alpha-run}', '{gamma-run}')")))
          .containsExactlyInAnyOrder("alpha-run", "gamma-run");
      assertThat(search(withIds("attributes.run_id NOT IN ('{alpha-run}')")))
          .containsExactlyInAnyOrder("beta-run", "gamma-run", "delta-run", "epsilon-run");
      assertThat(search(withIds("run_id = '{delta-run}'"))).containsExactly("delta-run");
    }

    @Test
    @DisplayName("an empty filter returns every run, newest start time first")
    void defaultOrder() {
      assertThat(search(""))
          .containsExactly("epsilon-run", "delta-run", "gamma-run", "beta-run", "alpha-run");
    }

    @Test
    @DisplayName("ordering by a metric ascending or descending puts runs without the metric last")
    void orderByMetric() {
      assertThat(search("", "metrics.rmse ASC"))
          .containsExactly("alpha-run", "beta-run", "gamma-run", "delta-run", "epsilon-run");
      assertThat(search("", "metrics.rmse DESC"))
          .containsExactly("delta-run", "gamma-run", "beta-run", "alpha-run", "epsilon-run");
    }

    @Test
    @DisplayName("ordering by a param and then by start time breaks ties by the second clause")
    void orderByParamThenStartTime() {
      assertThat(search("", "params.alpha DESC", "attributes.start_time ASC"))
          .containsExactly("delta-run", "beta-run", "gamma-run", "epsilon-run", "alpha-run");
    }

    @Test
    @DisplayName("ordering by start time ascending returns the oldest run first")
    void orderByStartTime() {
      assertThat(search("", "attributes.start_time ASC"))
          .containsExactly("alpha-run", "beta-run", "gamma-run", "delta-run", "epsilon-run");
    }

    @Test
    @DisplayName(
        "page tokens walk every page in order, each run once, the last page without a token")
    void paging() {
      RunQuery q = query().orderBy("metrics.rmse ASC").maxResults(2).build();

      Page<Run> first = tracking().searchRuns(q);
      Page<Run> second = tracking().searchRuns(q.withPageToken(first.nextPageToken()));
      Page<Run> third = tracking().searchRuns(q.withPageToken(second.nextPageToken()));

      assertThat(runNames(first.items())).containsExactly("alpha-run", "beta-run");
      assertThat(runNames(second.items())).containsExactly("gamma-run", "delta-run");
      assertThat(runNames(third.items())).containsExactly("epsilon-run");
      assertThat(first.hasNext()).isTrue();
      assertThat(third.hasNext()).isFalse();
    }

    @Test
    @DisplayName("pages of one run each, walked to the end, hold every run exactly once")
    void pagesOfOne() {
      List<Run> runs = allPages(query().maxResults(1).build());

      assertThat(runs).extracting(Run::runId).doesNotHaveDuplicates().hasSize(5);
      assertThat(runNames(runs))
          .containsExactly("epsilon-run", "delta-run", "gamma-run", "beta-run", "alpha-run");
    }

    @Test
    @DisplayName("streamRuns fetches every page and keeps the order")
    void streamRuns() {
      List<String> names;
      try (var stream =
          tracking().streamRuns(query().maxResults(2).orderBy("metrics.rmse DESC").build())) {
        names = stream.map(r -> r.info().runName()).toList();
      }
      assertThat(names)
          .containsExactly("delta-run", "gamma-run", "beta-run", "alpha-run", "epsilon-run");
    }

    @Test
    @DisplayName("the largest page size the backend declares is accepted")
    void maxResultsLimit() {
      Page<Run> page =
          tracking().searchRuns(query().maxResults(capabilities().maxResultsLimit()).build());

      assertThat(page.items()).hasSize(5);
      assertThat(page.hasNext()).isFalse();
    }

    @Test
    @DisplayName("a search over two experiments returns the runs of both")
    void twoExperiments() {
      String other;
      try (ActiveRun run = tracking().startRun(name("other"), "other-run")) {
        other = run.experimentId();
      }

      List<Run> runs = allPages(RunQuery.builder().experimentIds(experimentId, other).build());

      assertThat(runNames(runs)).hasSize(6).contains("other-run", "alpha-run");
    }

    @Test
    @DisplayName("searched runs carry their params, latest metrics and tags")
    void searchedRunsHaveData() {
      List<Run> runs = allPages(query().filter("attributes.run_name = 'alpha-run'").build());

      assertThat(runs).hasSize(1);
      Run alpha = runs.get(0);
      assertThat(alpha.params()).containsEntry("alpha", "0.1").containsEntry("model-type", "cnn");
      assertThat(alpha.metrics().get("rmse")).isEqualTo(new Metric("rmse", 0.5, T0, 0));
      assertThat(alpha.tags()).containsEntry("team", "risk");
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("a malformed filter is rejected with InvalidInputException")
    @ValueSource(
        strings = {
          "metrics.rmse <",
          "metrics.rmse ~ 0.5",
          "params.alpha = 0.5",
          "nonsense.alpha = '1'",
          "metrics.rmse < 0.8 OR params.alpha = '0.5'"
        })
    void malformedFilter(String filter) {
      assertThatThrownBy(() -> tracking().searchRuns(query().filter(filter).build()))
          .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("a malformed order clause is rejected with InvalidInputException")
    void malformedOrderBy() {
      assertThatThrownBy(
              () -> tracking().searchRuns(query().orderBy("metrics.rmse SIDEWAYS").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("SIDEWAYS");
    }
  }

  // ---- lifecycle

  /** Soft delete and restore of runs and experiments. */
  @Nested
  @DisplayName("Lifecycle")
  class Lifecycle {

    @BeforeEach
    void requireCapability() {
      assumeThat(capabilities().supportsDeleteRestore())
          .as("backend supports delete and restore")
          .isTrue();
    }

    private List<String> runIds(String experimentId, ViewType view) {
      return allPages(RunQuery.builder().experimentIds(experimentId).viewType(view).build())
          .stream()
          .map(Run::runId)
          .toList();
    }

    @Test
    @DisplayName(
        "a deleted run is still readable, marked deleted, and only found by a deleted-runs search")
    void deleteRun() {
      String runId;
      String experimentId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
        experimentId = run.experimentId();
      }

      tracking().deleteRun(runId);

      assertThat(run(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(runIds(experimentId, ViewType.ACTIVE_ONLY)).doesNotContain(runId);
      assertThat(runIds(experimentId, ViewType.DELETED_ONLY)).containsExactly(runId);
      assertThat(runIds(experimentId, ViewType.ALL)).containsExactly(runId);
    }

    @Test
    @DisplayName("a restored run is active again and found by a normal search")
    void restoreRun() {
      String runId;
      String experimentId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
        experimentId = run.experimentId();
      }
      tracking().deleteRun(runId);

      tracking().restoreRun(runId);

      assertThat(run(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(runIds(experimentId, ViewType.ACTIVE_ONLY)).containsExactly(runId);
    }

    @Test
    @DisplayName("logging to a deleted run fails with InvalidInputException naming the run")
    void logToDeletedRun() {
      String runId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
      }
      tracking().deleteRun(runId);

      assertThatThrownBy(
              () ->
                  tracking()
                      .logBatch(runId, List.of(new Metric("m", 1, T0, 0)), List.of(), List.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(runId);
      assertThat(run(runId).metrics()).isEmpty();
    }

    @Test
    @DisplayName(
        "a deleted experiment is marked deleted with its runs and only found by a deleted search")
    void deleteExperiment() {
      String runId;
      String experimentId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
        experimentId = run.experimentId();
      }

      tracking().deleteExperiment(experimentId);

      assertThat(experiment(experimentId).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(tracking().getExperimentByName(name("exp"))).isPresent();
      assertThat(run(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(experimentNames(ViewType.ACTIVE_ONLY)).isEmpty();
      assertThat(experimentNames(ViewType.DELETED_ONLY)).containsExactly(name("exp"));
    }

    @Test
    @DisplayName("a restored experiment is active again")
    void restoreExperiment() {
      String experimentId = tracking().createExperiment(name("exp"));
      tracking().deleteExperiment(experimentId);

      tracking().restoreExperiment(experimentId);

      assertThat(experiment(experimentId).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThat(experimentNames(ViewType.ACTIVE_ONLY)).containsExactly(name("exp"));
    }

    @Test
    @DisplayName("the name of a deleted experiment stays taken")
    void deletedNameStaysTaken() {
      String experimentId = tracking().createExperiment(name("exp"));
      tracking().deleteExperiment(experimentId);

      assertThatThrownBy(() -> tracking().createExperiment(name("exp")))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining(name("exp"));
    }

    @Test
    @DisplayName("deleting an unknown run fails with NotFoundException naming the run")
    void deleteUnknownRun() {
      String missing = "0123456789abcdef0123456789abcdef";
      assertThatThrownBy(() -> tracking().deleteRun(missing))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(missing);
    }
  }

  // ---- validation

  /** Bad input is rejected in the caller, with a typed exception, and nothing is written. */
  @Nested
  @DisplayName("Validation")
  class Validation {

    @ParameterizedTest(name = "metric key \"{0}\"")
    @DisplayName("a bad metric key is rejected at once and nothing is logged")
    @ValueSource(strings = {"", "../escape", "bad!key", "tab\tkey"})
    void badMetricKey(String key) {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThatThrownBy(() -> run.logMetric(key, 1.0)).isInstanceOf(InvalidInputException.class);
        run.flush();

        assertThat(run(run.runId()).metrics()).isEmpty();
      }
    }

    @Test
    @DisplayName("a key longer than 250 characters is rejected for metrics, params and tags")
    void longKeys() {
      String key = "k".repeat(251);
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThatThrownBy(() -> run.logMetric(key, 1.0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> run.logParam(key, "v")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> run.setTag(key, "v")).isInstanceOf(InvalidInputException.class);
        run.flush();

        Run stored = run(run.runId());
        assertThat(stored.metrics()).isEmpty();
        assertThat(stored.params()).isEmpty();
        assertThat(stored.tags()).doesNotContainKey(key);
      }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("a metric value that is not finite is rejected at once")
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteMetric(double value) {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThatThrownBy(() -> run.logMetric("loss", value))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("loss");
        run.flush();

        assertThat(run(run.runId()).metrics()).isEmpty();
      }
    }

    @Test
    @DisplayName("param and tag values over their limits are rejected at once")
    void longValues() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        assertThatThrownBy(() -> run.logParam("long_param", "x".repeat(6001)))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("long_param");
        assertThatThrownBy(() -> run.setTag("long_tag", "x".repeat(8001)))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("long_tag");
        run.flush();

        assertThat(run(run.runId()).params()).isEmpty();
        assertThat(run(run.runId()).tags()).doesNotContainKey("long_tag");
      }
    }

    @Test
    @DisplayName("a logBatch with one bad metric among good ones writes nothing")
    void badBatchWritesNothing() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        List<Metric> metrics =
            List.of(new Metric("good", 1, T0, 0), new Metric("bad", Double.NaN, T0, 0));

        assertThatThrownBy(
                () ->
                    tracking()
                        .logBatch(run.runId(), metrics, List.of(new Param("p", "1")), List.of()))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("bad");

        Run stored = run(run.runId());
        assertThat(stored.metrics()).isEmpty();
        assertThat(stored.params()).isEmpty();
      }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @DisplayName("an empty or too long experiment name is rejected and no experiment is created")
    @ValueSource(strings = {"", "   ", "LONG"})
    void badExperimentName(String raw) {
      String bad = raw.equals("LONG") ? name("n".repeat(500)) : raw;
      List<String> before = experimentNames(ViewType.ALL);

      assertThatThrownBy(() -> tracking().createExperiment(bad))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> tracking().startRun(bad)).isInstanceOf(InvalidInputException.class);
      assertThat(experimentNames(ViewType.ALL)).isEqualTo(before);
    }

    @Test
    @DisplayName("tagging an unknown experiment fails with NotFoundException naming the id")
    void unknownExperimentTag() {
      assertThatThrownBy(() -> tracking().setExperimentTag("987654321", "k", "v"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("987654321");
    }
  }

  // ---- active runs

  /** How an {@link ActiveRun} ends, and when its data is visible. */
  @Nested
  @DisplayName("Active run semantics")
  class ActiveRunSemantics {

    @Test
    @DisplayName("closing an active run ends it FINISHED with an end time")
    void closeFinishes() {
      String runId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
      }

      Run stored = run(runId);
      assertThat(stored.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(stored.info().endTime()).isNotNull();
      assertThat(stored.info().endTime()).isGreaterThanOrEqualTo(stored.info().startTime());
    }

    @Test
    @DisplayName("a run ended FAILED stays FAILED when it is closed and when it is ended again")
    void endFailedThenClose() {
      String runId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
        run.end(RunStatus.FAILED);
        run.end(RunStatus.FINISHED);
      }

      assertThat(run(runId).info().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    @DisplayName("withRun ends the run FINISHED with everything logged in the body stored")
    void withRunSuccess() {
      List<String> ids = new ArrayList<>();
      tracking()
          .withRun(
              name("exp"),
              run -> {
                ids.add(run.runId());
                run.logParam("alpha", 0.5).logMetric("auc", 0.9, 1, T0).setTag("team", "risk");
              });

      Run stored = run(ids.get(0));
      assertThat(stored.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(stored.params()).containsEntry("alpha", "0.5");
      assertThat(stored.metrics()).containsKey("auc");
      assertThat(stored.tags()).containsEntry("team", "risk");
    }

    @Test
    @DisplayName("withRun ends the run FAILED and rethrows the body's exception unchanged")
    void withRunFailure() {
      List<String> ids = new ArrayList<>();
      IllegalStateException boom = new IllegalStateException("training diverged");

      assertThatThrownBy(
              () ->
                  tracking()
                      .withRun(
                          name("exp"),
                          run -> {
                            ids.add(run.runId());
                            run.logMetric("loss", 1e9, 0, T0);
                            throw boom;
                          }))
          .isSameAs(boom);

      Run stored = run(ids.get(0));
      assertThat(stored.info().status()).isEqualTo(RunStatus.FAILED);
      assertThat(stored.metrics()).containsKey("loss");
    }

    @Test
    @DisplayName("logging to an ended run fails at once naming the run, and nothing is written")
    void logAfterEnd() {
      ActiveRun run = tracking().startRun(name("exp"));
      run.close();

      assertThatThrownBy(() -> run.logMetric("late", 1.0))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining(run.runId());
      assertThatThrownBy(() -> run.logParam("late", "1"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining(run.runId());
      assertThatThrownBy(() -> run.setTag("late", "1"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining(run.runId());

      Run stored = run(run.runId());
      assertThat(stored.metrics()).isEmpty();
      assertThat(stored.params()).isEmpty();
      assertThat(stored.tags()).doesNotContainKey("late");
    }

    @Test
    @DisplayName("after flush returns, every point, param and tag logged before it is visible")
    void flushVisibility() {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        for (int i = 0; i < 1_500; i++) {
          run.logMetric("loss", i, i, T0 + i);
        }
        for (int i = 0; i < 150; i++) {
          run.logParam("p" + i, i);
          run.setTag("t" + i, "v" + i);
        }
        run.flush();

        Run stored = run(run.runId());
        assertThat(tracking().getMetricHistory(run.runId(), "loss")).hasSize(1_500);
        assertThat(stored.metrics().get("loss"))
            .isEqualTo(new Metric("loss", 1_499, T0 + 1_499, 1_499));
        assertThat(stored.params()).hasSize(150).containsEntry("p149", "149");
        assertThat(stored.tags()).containsEntry("t149", "v149");
      }
    }

    @Test
    @DisplayName("closing a run stores everything logged to it without an explicit flush")
    void closeFlushes() {
      String runId;
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        runId = run.runId();
        for (int i = 0; i < 500; i++) {
          run.logMetric("loss", i, i, T0);
        }
      }

      assertThat(tracking().getMetricHistory(runId, "loss")).hasSize(500);
    }

    @Test
    @DisplayName("four threads logging to one run at once lose and duplicate no point")
    void concurrentLogging() throws Exception {
      try (ActiveRun run = tracking().startRun(name("exp"))) {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          tasks.add(
              () -> {
                for (int i = 0; i < 500; i++) {
                  run.logMetric("loss", i, thread * 500L + i, T0);
                }
                return thread;
              });
        }
        inParallel(4, tasks);
        run.flush();

        assertThat(steps(tracking().getMetricHistory(run.runId(), "loss")))
            .containsExactlyElementsOf(range(0, 2_000));
      }
    }

    @Test
    @DisplayName("closing the parent of a finished child leaves both FINISHED")
    void parentAndChild() {
      String parentId;
      String childId;
      try (ActiveRun parent = tracking().startRun(name("exp"))) {
        parentId = parent.runId();
        try (ActiveRun child = parent.startChild("child")) {
          childId = child.runId();
        }
      }

      assertThat(run(parentId).info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run(childId).info().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  // ---- persistence

  /** Data outlives the {@link Mlops} that wrote it. */
  @Nested
  @DisplayName("Persistence")
  class Persistence {

    @BeforeEach
    void requireCapability() {
      assumeThat(capabilities().persistsAcrossReopen())
          .as("backend keeps data across openMlops calls on one directory")
          .isTrue();
    }

    @Test
    @DisplayName(
        "a second client on the same store sees runs, params, metrics and tags of the first")
    void reopen() {
      String runId;
      try (ActiveRun run = tracking().startRun(name("exp"), "kept")) {
        runId = run.runId();
        run.logParam("alpha", "0.5").logMetric("auc", 0.9, 3, T0).setTag("team", "risk");
      }
      mlops().close();

      Mlops again = closeAfterTest(openMlops(workDir()));

      Run stored = again.tracking().getRun(runId).orElseThrow();
      assertThat(stored.info().runName()).isEqualTo("kept");
      assertThat(stored.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(stored.params()).containsEntry("alpha", "0.5");
      assertThat(stored.metrics().get("auc")).isEqualTo(new Metric("auc", 0.9, T0, 3));
      assertThat(stored.tags()).containsEntry("team", "risk");
    }

    @Test
    @DisplayName("closing the Mlops stores the points of a run that was left open")
    void closeFlushesOpenRuns() {
      ActiveRun run = tracking().startRun(name("exp"));
      for (int i = 0; i < 300; i++) {
        run.logMetric("loss", i, i, T0);
      }
      mlops().close();

      Mlops again = closeAfterTest(openMlops(workDir()));

      assertThat(again.tracking().getMetricHistory(run.runId(), "loss")).hasSize(300);
    }
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }
}
