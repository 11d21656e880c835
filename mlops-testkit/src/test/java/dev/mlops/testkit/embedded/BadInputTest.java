package dev.mlops.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.Param;
import dev.mlops.RegisteredModel;
import dev.mlops.Run;
import dev.mlops.RunQuery;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.ViewType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against the embedded store, end to end: each case checks the exception type, that the
 * message says what was wrong, and that nothing was written (experiments, runs with their data,
 * models, versions, aliases and files are the same before and after).
 */
@DisplayName("Embedded store rejects bad input and writes nothing")
class BadInputTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final String UNKNOWN_RUN = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  private @Nullable Mlops mlops;
  private @Nullable ActiveRun victim;
  private String experimentId = "";
  private Snapshot before = Snapshot.EMPTY;

  /** Everything the store holds that a bad call could have touched. */
  private record Snapshot(
      List<Experiment> experiments,
      List<Run> runs,
      List<RegisteredModel> models,
      List<ModelVersion> versions,
      List<String> files) {
    static final Snapshot EMPTY =
        new Snapshot(List.of(), List.of(), List.of(), List.of(), List.of());
  }

  private Mlops mlops() {
    Mlops m = mlops;
    assertThat(m).as("store opened").isNotNull();
    return m;
  }

  private ActiveRun victim() {
    ActiveRun v = victim;
    assertThat(v).as("victim run started").isNotNull();
    return v;
  }

  /** A store with one experiment, an open run with data, and a model with an aliased version. */
  @BeforeEach
  void seed() {
    mlops = EmbeddedStore.open(dir);
    ActiveRun run = mlops.tracking().startRun("bad-input", "victim");
    victim = run;
    experimentId = run.experimentId();
    run.logParam("alpha", "0.5").logMetric("loss", 0.3, 1, T0).setTag("team", "risk");
    run.logText("flavors: {}\n", "model/MLmodel");
    run.flush();
    mlops.registry().registerModel("runs:/" + run.runId() + "/model", "fraud");
    mlops.registry().setAlias("fraud", "champion", 1);
    before = snapshot();
  }

  @AfterEach
  void close() {
    try {
      if (victim != null) {
        victim.close();
      }
    } finally {
      if (mlops != null) {
        mlops.close();
      }
    }
  }

  private Snapshot snapshot() {
    Mlops m = mlops();
    List<Experiment> experiments =
        new ArrayList<>(
            m.tracking()
                .searchExperiments(SearchQuery.builder().viewType(ViewType.ALL).build())
                .items());
    experiments.sort(Comparator.comparing(Experiment::experimentId));
    List<Run> runs = new ArrayList<>();
    m.tracking()
        .streamRuns(RunQuery.builder().experimentIds(experimentId).viewType(ViewType.ALL).build())
        .forEach(runs::add);
    runs.sort(Comparator.comparing(Run::runId));
    List<RegisteredModel> models = m.registry().searchRegisteredModels(SearchQuery.all()).items();
    List<ModelVersion> versions =
        m.registry().searchModelVersions(SearchQuery.filter("name = 'fraud'")).items();
    return new Snapshot(experiments, runs, models, versions, files());
  }

  private List<String> files() {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.startsWith("mlflow.db"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + dir, e);
    }
  }

  private void assertNothingWritten() {
    victim().flush();
    assertThat(snapshot()).isEqualTo(before);
  }

  // ---- keys

  @Test
  @DisplayName("an empty metric key is rejected as empty")
  void emptyMetricKey() {
    assertThatThrownBy(() -> victim().logMetric("", 1.0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not be empty");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a metric key of 251 characters is rejected naming its length and the limit of 250")
  void longMetricKey() {
    assertThatThrownBy(() -> victim().logMetric("k".repeat(251), 1.0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("251")
        .hasMessageContaining("250");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a metric key '../x' is rejected as escaping its directory")
  void dotDotMetricKey() {
    assertThatThrownBy(() -> victim().logMetric("../x", 1.0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("../x")
        .hasMessageContaining("..");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a metric key with '!' is rejected naming the key and the allowed characters")
  void illegalMetricKey() {
    assertThatThrownBy(() -> victim().logMetric("loss!", 1.0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("loss!")
        .hasMessageContaining("not allowed");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a param key with '*' is rejected naming the key")
  void illegalParamKey() {
    assertThatThrownBy(() -> victim().logParam("a*b", "1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a*b");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an empty tag key is rejected as empty")
  void emptyTagKey() {
    assertThatThrownBy(() -> victim().setTag("", "v"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not be empty");
    assertNothingWritten();
  }

  // ---- values

  @Test
  @DisplayName("a NaN metric value is rejected naming the metric and saying values must be finite")
  void nanMetric() {
    assertThatThrownBy(() -> victim().logMetric("loss", Double.NaN, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("loss")
        .hasMessageContaining("NaN")
        .hasMessageContaining("finite");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a +Infinity metric value is rejected naming the value")
  void positiveInfinityMetric() {
    assertThatThrownBy(() -> victim().logMetric("loss", Double.POSITIVE_INFINITY, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Infinity")
        .hasMessageContaining("finite");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a -Infinity metric value is rejected naming the value")
  void negativeInfinityMetric() {
    assertThatThrownBy(() -> victim().logMetric("loss", Double.NEGATIVE_INFINITY, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("-Infinity");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a negative metric timestamp is rejected naming the timestamp")
  void negativeTimestamp() {
    assertThatThrownBy(() -> victim().logMetric("loss", 0.1, 2, -1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("-1")
        .hasMessageContaining("negative");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a param value of 6001 characters is rejected naming its length and the limit")
  void longParamValue() {
    assertThatThrownBy(() -> victim().logParam("notes", "x".repeat(6001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes")
        .hasMessageContaining("6001")
        .hasMessageContaining("6000");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a tag value of 8001 characters is rejected naming its length and the limit")
  void longTagValue() {
    assertThatThrownBy(() -> victim().setTag("notes", "x".repeat(8001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes")
        .hasMessageContaining("8001")
        .hasMessageContaining("8000");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a logBatch with one NaN among good metrics, params and tags writes none of them")
  void mixedBatch() {
    List<Metric> metrics =
        List.of(new Metric("ok", 1, T0, 0), new Metric("bad", Double.NaN, T0, 0));
    String runId = victim().runId();

    assertThatThrownBy(
            () ->
                mlops()
                    .tracking()
                    .logBatch(
                        runId, metrics, List.of(new Param("p", "1")), List.of(new Tag("t", "v"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bad")
        .hasMessageContaining("NaN");
    assertNothingWritten();
  }

  // ---- experiments

  @Test
  @DisplayName(
      "an experiment name of 501 characters is rejected naming its length and the limit of 500")
  void longExperimentName() {
    assertThatThrownBy(() -> mlops().tracking().createExperiment("e".repeat(501)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("501")
        .hasMessageContaining("500");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an empty experiment name is rejected as empty, also when starting a run")
  void emptyExperimentName() {
    assertThatThrownBy(() -> mlops().tracking().createExperiment(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> mlops().tracking().startRun(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must not be empty");
    assertNothingWritten();
  }

  // ---- unknown things

  @Test
  @DisplayName("tagging an unknown run fails with NotFoundException naming the run id")
  void unknownRun() {
    assertThatThrownBy(() -> mlops().tracking().setTag(UNKNOWN_RUN, "k", "v"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(UNKNOWN_RUN);
    assertNothingWritten();
  }

  @Test
  @DisplayName(
      "tagging an unknown experiment fails with NotFoundException naming the experiment id")
  void unknownExperiment() {
    assertThatThrownBy(() -> mlops().tracking().setExperimentTag("424242", "k", "v"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("424242");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an unknown registered model fails with NotFoundException naming the model")
  void unknownModel() {
    assertThatThrownBy(() -> mlops().registry().getRegisteredModel("no-such-model"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-such-model");
    assertThatThrownBy(() -> mlops().registry().setRegisteredModelTag("no-such-model", "k", "v"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-such-model");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an unknown version fails with NotFoundException naming the model and the version")
  void unknownVersion() {
    assertThatThrownBy(() -> mlops().registry().getModelVersion("fraud", 7))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("fraud")
        .hasMessageContaining("7");
    assertThatThrownBy(() -> mlops().registry().setAlias("fraud", "challenger", 7))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("7");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an unknown alias fails with NotFoundException naming the alias")
  void unknownAlias() {
    assertThatThrownBy(() -> mlops().registry().getModelVersionByAlias("fraud", "nobody"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nobody");
    assertThatThrownBy(() -> mlops().models().resolve("models:/fraud@nobody"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nobody");
    assertNothingWritten();
  }

  @Test
  @DisplayName("registering from an unknown run fails naming the run and creates no model")
  void registerFromUnknownRun() {
    assertThatThrownBy(
            () -> mlops().registry().registerModel("runs:/" + UNKNOWN_RUN + "/model", "orphan"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(UNKNOWN_RUN);
    assertThat(mlops().registry().findRegisteredModel("orphan")).isEmpty();
    assertNothingWritten();
  }

  // ---- URIs

  @Test
  @DisplayName(
      "an unknown tracking URI scheme is rejected naming the scheme and the supported ones")
  void unknownScheme() {
    assertThatThrownBy(() -> Mlops.open("foo://x"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("foo")
        .hasMessageContaining("sqlite");
    assertNothingWritten();
  }

  @Test
  @DisplayName(
      "an http tracking URI without mlops-mlflow on the classpath names the artifact to add")
  void httpWithoutModule() {
    assertThatThrownBy(() -> Mlops.open("http://localhost:1"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("mlops-mlflow");
    assertNothingWritten();
  }

  @Test
  @DisplayName(
      "an s3:// artifact store without mlops-s3 on the classpath names the artifact to add")
  void s3WithoutModule() {
    assertThatThrownBy(() -> mlops().artifacts().store("s3://bucket/mlruns"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("mlops-s3");
    assertNothingWritten();
  }

  // ---- artifact paths

  @Test
  @DisplayName("an artifact path with '..' is rejected and no file lands outside the run")
  void dotDotArtifactPath() {
    assertThatThrownBy(() -> victim().logText("evil", "../evil.txt"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("..");
    assertThatThrownBy(() -> victim().logText("evil", "model/../../evil.txt"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("..");
    assertNothingWritten();
  }

  @Test
  @DisplayName("an absolute artifact path is rejected as absolute")
  void absoluteArtifactPath() {
    Path outside = dir.resolve("outside.txt").toAbsolutePath();

    assertThatThrownBy(() -> victim().logText("evil", outside.toString()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("absolute");
    assertThat(outside).doesNotExist();
    assertNothingWritten();
  }

  @Test
  @DisplayName("an artifact path with a NUL character is rejected naming NUL")
  void nulArtifactPath() {
    assertThatThrownBy(() -> victim().logText("evil", "model/a\0b.txt"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NUL");
    assertNothingWritten();
  }

  // ---- aliases, versions and model names

  @Test
  @DisplayName("the alias 'latest' is rejected as reserved")
  void aliasLatest() {
    assertThatThrownBy(() -> mlops().registry().setAlias("fraud", "latest", 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("latest")
        .hasMessageContaining("reserved");
    assertNothingWritten();
  }

  @Test
  @DisplayName("the alias 'v1' is rejected as reserved for version references")
  void aliasVersionLike() {
    assertThatThrownBy(() -> mlops().registry().setAlias("fraud", "v1", 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("v1")
        .hasMessageContaining("reserved");
    assertNothingWritten();
  }

  @Test
  @DisplayName("the alias 'a b' is rejected naming the allowed characters")
  void aliasWithSpace() {
    assertThatThrownBy(() -> mlops().registry().setAlias("fraud", "a b", 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a b")
        .hasMessageContaining("letters, digits");
    assertNothingWritten();
  }

  @Test
  @DisplayName("version 0 is rejected saying versions start at 1")
  void versionZero() {
    assertThatThrownBy(() -> mlops().registry().getModelVersion("fraud", 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("0")
        .hasMessageContaining("start at 1");
    assertThatThrownBy(() -> mlops().registry().setAlias("fraud", "zero", 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("start at 1");
    assertNothingWritten();
  }

  @Test
  @DisplayName("a model name with '/' is rejected naming the character, and no model is created")
  void modelNameWithSlash() {
    assertThatThrownBy(() -> mlops().registry().createRegisteredModel("team/fraud"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("team/fraud")
        .hasMessageContaining("'/'");
    String source = "runs:/" + victim().runId() + "/model";
    assertThatThrownBy(() -> mlops().registry().registerModel(source, "team/fraud"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'/'");
    assertNothingWritten();
  }

  // ---- run state

  @Test
  @DisplayName("logging to an ended run fails naming the run, and the run keeps no late data")
  void loggingToEndedRun() {
    ActiveRun ended = mlops().tracking().startRun("bad-input", "ended");
    ended.close();
    Run afterClose = mlops().tracking().getRun(ended.runId()).orElseThrow();
    before = snapshot();

    assertThatThrownBy(() -> ended.logMetric("late", 1.0))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining(ended.runId());
    assertThatThrownBy(() -> ended.logParam("late", "1"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining(ended.runId());
    assertThat(mlops().tracking().getRun(ended.runId())).contains(afterClose);
    assertNothingWritten();
  }

  @Test
  @DisplayName(
      "a param re-logged with another value fails at flush naming the key, and keeps its value")
  void paramRelogged() {
    victim().logParam("alpha", "0.9");

    assertThatThrownBy(() -> victim().flush())
        .isInstanceOfAny(InvalidInputException.class, AlreadyExistsException.class)
        .hasMessageContaining("alpha")
        .hasMessageContaining(victim().runId());
    assertNothingWritten();
  }
}
