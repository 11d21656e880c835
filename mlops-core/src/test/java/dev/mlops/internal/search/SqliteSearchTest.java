package dev.mlops.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Page;
import dev.mlops.RunQuery;
import dev.mlops.SearchQuery;
import dev.mlops.ViewType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs generated SQL against a real SQLite file with MLflow's schema.
 *
 * <p>Experiment 1 holds runs run00..run24; run i has start_time 1000+i, end_time 3000-i (none when
 * i is a multiple of 5), status FAILED when i is odd, user alice for i < 10 else bob, param alpha =
 * "0.(i mod 3)", metric rmse = i/10 (run03 has none, run07 has NaN), metric "my metric" = 1 for i <
 * 5, tag team = "risk" for i < 12 and "Risky-Ops" for 12..19. run24 is deleted. run05 used dataset
 * "train".
 */
@DisplayName("Generated SQL on a real SQLite database")
class SqliteSearchTest {

  @TempDir static Path dir;
  static TestDatabase db;

  @BeforeAll
  static void populate() throws Exception {
    db = TestDatabase.create(dir);
    experiment(1, "exp-a", "active", 100L, 150L);
    experiment(2, "exp-b", "active", 300L, 300L);
    experiment(3, "exp-old", "deleted", 200L, 400L);
    experiment(4, "other", "active", null, 500L);
    db.exec(
        "INSERT INTO experiment_tags (\"key\", value, experiment_id) VALUES ('owner', 'risk', 1)");
    db.exec(
        "INSERT INTO experiment_tags (\"key\", value, experiment_id) VALUES ('owner', 'growth',"
            + " 2)");
    for (int i = 0; i < 25; i++) {
      String id = run(i);
      db.exec(
          "INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, end_time,"
              + " lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, 'LOCAL', ?, ?, ?, ?,"
              + " ?, ?, 1)",
          id,
          "run-" + i,
          i < 10 ? "alice" : "bob",
          i % 2 == 0 ? "FINISHED" : "FAILED",
          1000L + i,
          i % 5 == 0 ? null : 3000L - i,
          i == 24 ? "deleted" : "active",
          "file:///tmp/mlruns/1/" + id + "/artifacts");
      if (i != 3) {
        boolean nan = i == 7;
        db.exec(
            "INSERT INTO latest_metrics (\"key\", value, timestamp, step, is_nan, run_uuid) VALUES"
                + " ('rmse', ?, 1, 0, ?, ?)",
            nan ? 0.0 : i / 10.0,
            nan ? 1 : 0,
            id);
      }
      if (i < 5) {
        db.exec(
            "INSERT INTO latest_metrics (\"key\", value, timestamp, step, is_nan, run_uuid) VALUES"
                + " ('my metric', 1.0, 1, 0, 0, ?)",
            id);
      }
      db.exec(
          "INSERT INTO params (\"key\", value, run_uuid) VALUES ('alpha', ?, ?)", "0." + i % 3, id);
      db.exec(
          "INSERT INTO tags (\"key\", value, run_uuid) VALUES ('mlflow.runName', ?, ?)",
          "run-" + i,
          id);
      if (i < 20) {
        db.exec(
            "INSERT INTO tags (\"key\", value, run_uuid) VALUES ('team', ?, ?)",
            i < 12 ? "risk" : "Risky-Ops",
            id);
      }
    }
    for (String other : List.of("other0", "other1")) {
      db.exec(
          "INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id)"
              + " VALUES (?, ?, 'FINISHED', 5000, 'active', 2)",
          other,
          other);
    }
    db.exec(
        "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type,"
            + " dataset_source) VALUES ('ds1', 1, 'train', 'abc', 'local', '{}')");
    db.exec(
        "INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id)"
            + " VALUES ('in1', 'DATASET', 'ds1', 'RUN', 'run05')");
    db.exec(
        "INSERT INTO input_tags (input_uuid, name, value) VALUES ('in1', 'mlflow.data.context',"
            + " 'training')");
    registry();
  }

  private static void registry() throws Exception {
    model("fraud", 10L, 40L);
    model("fraud-v2", 20L, 20L);
    model("churn", 30L, 30L);
    model("my-prompt", 5L, 5L);
    db.exec(
        "INSERT INTO registered_model_tags (\"key\", value, name) VALUES ('team', 'risk',"
            + " 'fraud')");
    db.exec(
        "INSERT INTO registered_model_tags (\"key\", value, name) VALUES"
            + " ('mlflow.prompt.is_prompt', 'true', 'my-prompt')");
    version("fraud", 1, "Production", "run01");
    version("fraud", 2, "Deleted_Internal", "REDACTED-RUN-ID");
    version("fraud", 3, "None", "run02");
    version("churn", 1, "None", "run03");
    version("my-prompt", 1, "None", null);
    db.exec(
        "INSERT INTO model_version_tags (\"key\", value, name, version) VALUES ('validated', 'yes',"
            + " 'fraud', 3)");
    db.exec(
        "INSERT INTO model_version_tags (\"key\", value, name, version) VALUES"
            + " ('mlflow.prompt.is_prompt', 'true', 'my-prompt', 1)");
  }

  private static void experiment(
      int id, String name, String stage, @Nullable Long created, Long updated) throws Exception {
    db.exec(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
            + " creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        name,
        "file:///tmp/mlruns/" + id,
        stage,
        created,
        updated);
  }

  private static void model(String name, long created, long updated) throws Exception {
    db.exec(
        "INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES (?, ?, ?)",
        name,
        created,
        updated);
  }

  private static void version(String name, int version, String stage, @Nullable String runId)
      throws Exception {
    db.exec(
        "INSERT INTO model_versions (name, version, creation_time, last_updated_time,"
            + " current_stage, source, run_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'READY')",
        name,
        version,
        version * 100L,
        version * 100L,
        stage,
        runId == null ? "prompt" : "runs:/" + runId + "/model",
        runId);
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  static String run(int i) {
    return String.format("run%02d", i);
  }

  static List<String> runs(int... indexes) {
    return Arrays.stream(indexes).mapToObj(SqliteSearchTest::run).toList();
  }

  static int[] descending(int from, int to) {
    return IntStream.iterate(from, i -> i >= to, i -> i - 1).toArray();
  }

  static List<String> searchRuns(String filter, String... orderBy) throws Exception {
    return db.rows(
        SqlSearch.runs(
            RunQuery.builder().experimentIds("1").filter(filter).orderBy(orderBy).build()));
  }

  @Nested
  @DisplayName("runs")
  class Runs {

    static Stream<Arguments> filters() {
      return Stream.of(
          Arguments.of("", runs(descending(23, 0))),
          Arguments.of("metrics.rmse < 0.5", runs(4, 2, 1, 0)),
          Arguments.of(
              "metrics.rmse != 0.5",
              runs(
                  IntStream.iterate(23, i -> i >= 0, i -> i - 1)
                      .filter(i -> i != 3 && i != 5)
                      .toArray())),
          Arguments.of("metrics.rmse >= 0 AND metrics.rmse <= 0.3", runs(2, 1, 0)),
          Arguments.of("metrics.rmse > 1e-1 and metrics.rmse < 2.5E-1", runs(2)),
          Arguments.of("metrics.`my metric` = 1", runs(4, 3, 2, 1, 0)),
          Arguments.of("params.alpha = '0.1'", runs(22, 19, 16, 13, 10, 7, 4, 1)),
          Arguments.of("tags.team LIKE 'risk%'", runs(descending(11, 0))),
          Arguments.of("tags.team ILIKE 'RISK%'", runs(descending(19, 0))),
          Arguments.of("tags.team != 'risk'", runs(descending(19, 12))),
          Arguments.of("tags.`mlflow.runName` = \"run-4\"", runs(4)),
          Arguments.of("status = 'FAILED' AND user_id = 'alice'", runs(9, 7, 5, 3, 1)),
          Arguments.of("run.status ILIKE 'finished' and start_time < 1006", runs(4, 2, 0)),
          Arguments.of("attributes.run_id IN ('run01', 'run02', 'nope')", runs(2, 1)),
          Arguments.of(
              "run_id NOT IN ('run01', 'run02') AND user_id = 'alice'",
              runs(9, 8, 7, 6, 5, 4, 3, 0)),
          Arguments.of("start_time >= 1020", runs(23, 22, 21, 20)),
          Arguments.of("created < 1003", runs(2, 1, 0)),
          Arguments.of("end_time < 2980", runs(23, 22, 21)),
          Arguments.of("attributes.run_name LIKE 'run-1_'", runs(descending(19, 10))),
          Arguments.of("`Run name` = 'run-3'", runs(3)),
          Arguments.of("datasets.name = 'train'", runs(5)),
          Arguments.of("datasets.context = 'training' AND datasets.digest IN ('abc')", runs(5)),
          Arguments.of(
              "metrics.rmse > -1 AND params.alpha != '0.0' AND user_id = 'alice'",
              runs(8, 5, 4, 2, 1)),
          Arguments.of("tags.team = 'nobody'", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    @DisplayName("a filter returns exactly the matching active runs, newest first")
    void filter(String filter, List<String> expected) throws Exception {
      assertThat(searchRuns(filter)).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> orders() {
      return Stream.of(
          Arguments.of("user_id = 'alice'", "metrics.rmse ASC", runs(0, 1, 2, 4, 5, 6, 8, 9, 7, 3)),
          Arguments.of(
              "user_id = 'alice'", "metrics.rmse DESC", runs(9, 8, 6, 5, 4, 2, 1, 0, 7, 3)),
          Arguments.of(
              "user_id = 'alice'", "params.alpha DESC", runs(8, 5, 2, 7, 4, 1, 9, 6, 3, 0)),
          Arguments.of(
              "",
              "tags.team",
              concat(
                  runs(descending(19, 12)), concat(runs(descending(11, 0)), runs(23, 22, 21, 20)))),
          Arguments.of(
              "",
              "end_time ASC",
              concat(
                  runs(23, 22, 21, 19, 18, 17, 16, 14, 13, 12, 11, 9, 8, 7, 6, 4, 3, 2, 1),
                  runs(20, 15, 10, 5, 0))),
          Arguments.of(
              "",
              "attributes.end_time DESC",
              concat(
                  runs(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19, 21, 22, 23),
                  runs(20, 15, 10, 5, 0))),
          Arguments.of("user_id = 'alice'", "attributes.run_name DESC", runs(descending(9, 0))),
          Arguments.of("user_id = 'alice'", "start_time", runs(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("orders")
    @DisplayName("order_by sorts runs, and runs without the key come last in both directions")
    void order(String filter, String orderBy, List<String> expected) throws Exception {
      assertThat(searchRuns(filter, orderBy)).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("several order_by clauses apply in turn")
    void severalOrderClauses() throws Exception {
      assertThat(searchRuns("user_id = 'alice'", "status ASC", "start_time ASC"))
          .containsExactlyElementsOf(runs(1, 3, 5, 7, 9, 0, 2, 4, 6, 8));
      assertThat(searchRuns("user_id = 'alice'", "metrics.`my metric` DESC", "run_id DESC"))
          .containsExactlyElementsOf(runs(4, 3, 2, 1, 0, 9, 8, 7, 6, 5));
    }

    @Test
    @DisplayName("the view type selects active, deleted or all runs, and experiment ids scope them")
    void viewTypesAndExperiments() throws Exception {
      RunQuery.Builder q = RunQuery.builder().experimentIds("1").filter("start_time >= 1023");
      assertThat(db.rows(SqlSearch.runs(q.build()))).containsExactly("run23");
      assertThat(db.rows(SqlSearch.runs(q.viewType(ViewType.DELETED_ONLY).build())))
          .containsExactly("run24");
      assertThat(db.rows(SqlSearch.runs(q.viewType(ViewType.ALL).build())))
          .containsExactly("run24", "run23");
      assertThat(
              db.rows(
                  SqlSearch.runs(
                      RunQuery.builder()
                          .experimentIds("2", "1")
                          .filter("start_time > 1022")
                          .build())))
          .containsExactly("other0", "other1", "run23");
      assertThat(db.rows(SqlSearch.runs(RunQuery.builder().experimentIds("abc").build())))
          .isEmpty();
    }

    @Test
    @DisplayName("paging 25 runs by 10 gives pages of 10, 10 and 5 in the same order as one query")
    void paging() throws Exception {
      for (List<String> orderBy : List.of(List.<String>of(), List.of("metrics.rmse ASC"))) {
        RunQuery first =
            RunQuery.builder()
                .experimentIds("1")
                .viewType(ViewType.ALL)
                .orderBy(orderBy.toArray(String[]::new))
                .maxResults(10)
                .build();
        List<String> all = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        do {
          Plan plan = SqlSearch.runs(first.withPageToken(token));
          Page<String> page = plan.page(db.rows(plan));
          all.addAll(page.items());
          sizes.add(page.items().size());
          token = page.nextPageToken();
        } while (token != null && sizes.size() < 10);

        List<String> oneShot =
            db.rows(
                SqlSearch.runs(
                    RunQuery.builder()
                        .experimentIds("1")
                        .viewType(ViewType.ALL)
                        .orderBy(orderBy.toArray(String[]::new))
                        .build()));
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(all).hasSize(25).doesNotHaveDuplicates().containsExactlyElementsOf(oneShot);
      }
    }

    @Test
    @DisplayName("a page token from one query is refused by another")
    void tokenFromAnotherQuery() throws Exception {
      RunQuery q = RunQuery.builder().experimentIds("1").maxResults(10).build();
      Plan plan = SqlSearch.runs(q);
      String token = plan.page(db.rows(plan)).nextPageToken();
      assertThat(token).isNotNull();
      RunQuery other =
          RunQuery.builder()
              .experimentIds("1")
              .filter("status = 'FAILED'")
              .maxResults(10)
              .pageToken(token)
              .build();
      assertThatThrownBy(() -> SqlSearch.runs(other))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith(
              "invalid page token; pass the token from the previous page of the same query");
    }

    @Test
    @DisplayName("values and keys crafted as SQL injection are only ever compared as data")
    void sqlInjection() throws Exception {
      long before = db.count("SELECT count(*) FROM runs");
      List<String> attacks =
          List.of(
              "params.alpha = '0.1''; DROP TABLE runs; --'",
              "params.alpha = '0.1'' OR ''1''=''1'",
              "tags.`x\"; DROP TABLE runs; --` = 'y'",
              "run_id IN ('run01'') OR 1=1 --')",
              "attributes.run_name LIKE '%'' OR 1=1 --'",
              "metrics.`rmse' OR 1=1 --` < 100");
      for (String attack : attacks) {
        assertThat(searchRuns(attack)).as(attack).isEmpty();
      }
      assertThat(db.count("SELECT count(*) FROM runs")).isEqualTo(before);
    }
  }

  @Nested
  @DisplayName("experiments")
  class Experiments {

    List<String> search(SearchQuery q) throws Exception {
      return db.rows(SqlSearch.experiments(q));
    }

    @Test
    @DisplayName("default order is newest creation first, experiments without a time last")
    void defaultOrder() throws Exception {
      assertThat(search(SearchQuery.all())).containsExactly("2", "1", "4");
      assertThat(search(SearchQuery.builder().viewType(ViewType.ALL).build()))
          .containsExactly("2", "3", "1", "4");
      assertThat(search(SearchQuery.builder().viewType(ViewType.DELETED_ONLY).build()))
          .containsExactly("3");
    }

    @Test
    @DisplayName("filters on name, times and tags")
    void filters() throws Exception {
      assertThat(search(SearchQuery.filter("name LIKE 'exp-%'"))).containsExactly("2", "1");
      assertThat(search(SearchQuery.filter("name ILIKE 'EXP-A'"))).containsExactly("1");
      assertThat(search(SearchQuery.filter("tags.owner = 'risk'"))).containsExactly("1");
      assertThat(search(SearchQuery.filter("creation_time > 150"))).containsExactly("2");
      assertThat(search(SearchQuery.filter("attribute.last_update_time <= 300")))
          .containsExactly("2", "1");
    }

    @Test
    @DisplayName("order_by on attributes")
    void order() throws Exception {
      assertThat(search(SearchQuery.builder().orderBy("name DESC").build()))
          .containsExactly("4", "2", "1");
      assertThat(search(SearchQuery.builder().orderBy("last_update_time ASC").build()))
          .containsExactly("1", "2", "4");
      assertThat(search(SearchQuery.builder().orderBy("experiment_id").build()))
          .containsExactly("1", "2", "4");
    }
  }

  @Nested
  @DisplayName("registered models")
  class RegisteredModels {

    List<String> search(SearchQuery q) throws Exception {
      return db.rows(SqlSearch.registeredModels(q));
    }

    @Test
    @DisplayName("filters on name and tags, ordered by name, prompts left out")
    void filters() throws Exception {
      assertThat(search(SearchQuery.all())).containsExactly("churn", "fraud", "fraud-v2");
      assertThat(search(SearchQuery.filter("name LIKE 'fraud%'")))
          .containsExactly("fraud", "fraud-v2");
      assertThat(search(SearchQuery.filter("name ILIKE 'FRAUD%'")))
          .containsExactly("fraud", "fraud-v2");
      assertThat(search(SearchQuery.filter("name != 'fraud'")))
          .containsExactly("churn", "fraud-v2");
      assertThat(search(SearchQuery.filter("tags.team = 'risk'"))).containsExactly("fraud");
    }

    @Test
    @DisplayName("prompts are found when the filter names the prompt tag")
    void prompts() throws Exception {
      assertThat(search(SearchQuery.filter("tags.`mlflow.prompt.is_prompt` = 'true'")))
          .containsExactly("my-prompt");
    }

    @Test
    @DisplayName("order_by on timestamps")
    void order() throws Exception {
      assertThat(search(SearchQuery.builder().orderBy("last_updated_timestamp DESC").build()))
          .containsExactly("fraud", "churn", "fraud-v2");
      assertThat(search(SearchQuery.builder().orderBy("creation_timestamp").build()))
          .containsExactly("fraud", "fraud-v2", "churn");
    }
  }

  @Nested
  @DisplayName("model versions")
  class ModelVersions {

    List<String> search(SearchQuery q) throws Exception {
      return db.rows(SqlSearch.modelVersions(q));
    }

    @Test
    @DisplayName("deleted versions and prompts never appear; default order name, then newest")
    void defaults() throws Exception {
      assertThat(search(SearchQuery.all())).containsExactly("churn/1", "fraud/3", "fraud/1");
      assertThat(search(SearchQuery.filter("run_id = 'REDACTED-RUN-ID'"))).isEmpty();
    }

    @Test
    @DisplayName("filters on name, version number, run id, source and tags")
    void filters() throws Exception {
      assertThat(search(SearchQuery.filter("name = 'fraud'")))
          .containsExactly("fraud/3", "fraud/1");
      assertThat(search(SearchQuery.filter("run_id IN ('run01', 'run03')")))
          .containsExactly("churn/1", "fraud/1");
      assertThat(search(SearchQuery.filter("version_number > 1"))).containsExactly("fraud/3");
      assertThat(search(SearchQuery.filter("source_path LIKE 'runs:/run01/%'")))
          .containsExactly("fraud/1");
      assertThat(search(SearchQuery.filter("tags.validated = 'yes'"))).containsExactly("fraud/3");
    }

    @Test
    @DisplayName("order_by version number ascending, ties by name")
    void order() throws Exception {
      assertThat(search(SearchQuery.builder().orderBy("version_number ASC").build()))
          .containsExactly("churn/1", "fraud/1", "fraud/3");
    }
  }

  static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }
}
