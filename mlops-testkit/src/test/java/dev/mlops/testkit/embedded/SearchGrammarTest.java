package dev.mlops.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MLflow's filter grammar end to end through {@code searchRuns} on the embedded store: valid
 * filters select exactly the right runs, malformed ones fail with {@link InvalidInputException}
 * quoting the part that is wrong. The runs are read-only, so one store serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Run search filter grammar on the embedded store")
class SearchGrammarTest {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir static Path dir;

  private @Nullable Mlops mlops;
  private String experimentId = "";
  private final Map<String, String> ids = new LinkedHashMap<>();

  /**
   * Four runs:
   *
   * <pre>
   * name   lr    optimizer  val loss  acc   data.version  env   status
   * run-a  0.01  adam       0.30      0.91  v1            prod  FINISHED
   * run-b  0.1   sgd        0.45      0.85  v2            Prod  FINISHED
   * run-c  0.01  AdamW      0.25      0.93  v2            dev   FINISHED
   * run-d  1     sgd        -         0.50  -             dev   FAILED
   * </pre>
   */
  @BeforeAll
  void seed() {
    Mlops m = EmbeddedStore.open(dir);
    mlops = m;
    seed(m, "run-a", "0.01", "adam", 0.30, 0.91, "v1", "prod", RunStatus.FINISHED);
    seed(m, "run-b", "0.1", "sgd", 0.45, 0.85, "v2", "Prod", RunStatus.FINISHED);
    seed(m, "run-c", "0.01", "AdamW", 0.25, 0.93, "v2", "dev", RunStatus.FINISHED);
    seed(m, "run-d", "1", "sgd", null, 0.50, null, "dev", RunStatus.FAILED);
  }

  private void seed(
      Mlops m,
      String name,
      String lr,
      String optimizer,
      @Nullable Double valLoss,
      double acc,
      @Nullable String dataVersion,
      String env,
      RunStatus status) {
    try (ActiveRun run = m.tracking().startRun("grammar", name)) {
      experimentId = run.experimentId();
      List<Metric> metrics = new ArrayList<>(List.of(new Metric("acc", acc, T0, 0)));
      if (valLoss != null) {
        metrics.add(new Metric("val loss", valLoss, T0, 0));
      }
      List<Tag> tags = new ArrayList<>(List.of(new Tag("env", env)));
      if (dataVersion != null) {
        tags.add(new Tag("data.version", dataVersion));
      }
      m.tracking()
          .logBatch(
              run.runId(),
              metrics,
              List.of(new Param("lr", lr), new Param("optimizer", optimizer)),
              tags);
      run.end(status);
      ids.put(name, run.runId());
    }
  }

  @AfterAll
  void close() {
    if (mlops != null) {
      mlops.close();
    }
  }

  /** Runs {@code filter}, with each {@code {run-x}} replaced by that run's id. */
  private List<String> search(String filter) {
    Mlops m = mlops;
    assertThat(m).isNotNull();
    String withIds = filter;
    for (Map.Entry<String, String> e : ids.entrySet()) {
      withIds = withIds.replace("{" + e.getKey() + "}", e.getValue());
    }
    RunQuery query = RunQuery.builder().experimentIds(experimentId).filter(withIds).build();
    try (Stream<Run> runs = m.tracking().streamRuns(query)) {
      return runs.map(r -> r.info().runName()).toList();
    }
  }

  static Stream<Arguments> validFilters() {
    return Stream.of(
        Arguments.of("metrics.`val loss` < 0.35", List.of("run-a", "run-c")),
        Arguments.of("metrics.\"val loss\" >= 0.3", List.of("run-a", "run-b")),
        Arguments.of("params.optimizer ILIKE 'adam%'", List.of("run-a", "run-c")),
        Arguments.of("params.optimizer LIKE 'adam%'", List.of("run-a")),
        Arguments.of("tags.`data.version` = 'v2'", List.of("run-b", "run-c")),
        Arguments.of("attributes.run_id IN ('{run-a}', '{run-d}')", List.of("run-a", "run-d")),
        Arguments.of("attributes.run_id NOT IN ('{run-a}', '{run-d}')", List.of("run-b", "run-c")),
        Arguments.of("run_id IN ('{run-c}')", List.of("run-c")),
        Arguments.of("attributes.status = 'FAILED'", List.of("run-d")),
        Arguments.of("params.lr = '0.01' and metrics.acc > 0.92", List.of("run-c")),
        Arguments.of("tags.env ILIKE 'PROD'", List.of("run-a", "run-b")),
        Arguments.of("tags.env != 'dev'", List.of("run-a", "run-b")),
        Arguments.of("metrics.acc != 0.5", List.of("run-a", "run-b", "run-c")),
        Arguments.of("params.`lr` != '0.01' AND tags.env = 'dev'", List.of("run-d")),
        Arguments.of(
            "attributes.run_name LIKE 'run-_'", List.of("run-a", "run-b", "run-c", "run-d")),
        Arguments.of("run_name = 'run-b'", List.of("run-b")),
        Arguments.of("metrics.acc >= 0.85 AND metrics.acc <= 0.91", List.of("run-a", "run-b")),
        Arguments.of("   metrics.acc   >   0.9   ", List.of("run-a", "run-c")));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("a valid filter selects exactly the matching runs")
  @MethodSource("validFilters")
  void valid(String filter, List<String> expected) {
    assertThat(search(filter))
        .as("runs matching %s", filter)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  static Stream<Arguments> malformedFilters() {
    return Stream.of(
        Arguments.of("metrics.acc >", "metrics.acc"),
        Arguments.of("metrics.acc ~ 0.5", "~"),
        Arguments.of("params.lr == '1'", "=="),
        Arguments.of("params.lr = 0.01", "0.01"),
        Arguments.of("metrics.acc = 'high'", "high"),
        Arguments.of("foo.bar = 'x'", "foo"),
        Arguments.of("attributes.colour = 'red'", "colour"),
        Arguments.of("metrics.acc > 0.5 OR params.lr = '1'", "OR"),
        Arguments.of("params.lr = 'unterminated", "unterminated"),
        Arguments.of("params.`lr = '1'", "`"),
        Arguments.of("metrics.acc IN (0.5, 0.9)", "IN"),
        Arguments.of("params.lr LIKE", "LIKE"),
        Arguments.of("attributes.start_time > 'yesterday'", "yesterday"),
        Arguments.of("metrics.acc > 0.5 AND", "AND"));
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("a malformed filter fails with InvalidInputException quoting the problem")
  @MethodSource("malformedFilters")
  void malformed(String filter, String quoted) {
    assertThatThrownBy(() -> search(filter))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(quoted);
  }

  @Test
  @DisplayName("a malformed order clause fails with InvalidInputException quoting the direction")
  void malformedOrderBy() {
    Mlops m = mlops;
    assertThat(m).isNotNull();
    RunQuery q =
        RunQuery.builder().experimentIds(experimentId).orderBy("metrics.acc UPWARDS").build();

    assertThatThrownBy(() -> m.tracking().searchRuns(q))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("UPWARDS");
  }
}
