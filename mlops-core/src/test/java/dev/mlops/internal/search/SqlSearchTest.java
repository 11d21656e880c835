package dev.mlops.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Page;
import dev.mlops.RunQuery;
import dev.mlops.SearchQuery;
import dev.mlops.ViewType;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SqlSearch")
class SqlSearchTest {

  private static Plan runs(String filter, String... orderBy) {
    return SqlSearch.runs(
        RunQuery.builder().experimentIds("1").filter(filter).orderBy(orderBy).build());
  }

  @Nested
  @DisplayName("for runs")
  class Runs {

    @Test
    @DisplayName("with no filter selects active runs of the experiments, newest first, run id last")
    void defaults() {
      Plan plan = runs("");
      assertThat(plan.sql())
          .isEqualTo(
              "SELECT runs.run_uuid FROM runs WHERE runs.experiment_id IN (?) AND"
                  + " runs.lifecycle_stage = ? ORDER BY CASE WHEN runs.start_time IS NULL THEN 1"
                  + " ELSE 0 END, runs.start_time DESC, runs.run_uuid ASC LIMIT ? OFFSET ?");
      assertThat(plan.params()).containsExactly(1L, "active", 1001, 0);
      assertThat(plan.pageSize()).isEqualTo(1000);
      assertThat(plan.offset()).isZero();
    }

    @Test
    @DisplayName(
        "compiles a metric filter to EXISTS on latest_metrics and a metric order to a join")
    void metricFilterAndOrder() {
      Plan plan = runs("metrics.rmse < 0.8", "metrics.rmse ASC");
      assertThat(plan.sql())
          .isEqualTo(
              "SELECT runs.run_uuid FROM runs LEFT JOIN latest_metrics o2 ON o2.run_uuid ="
                  + " runs.run_uuid AND o2.\"key\" = ? WHERE runs.experiment_id IN (?) AND"
                  + " runs.lifecycle_stage = ? AND EXISTS (SELECT 1 FROM latest_metrics f1 WHERE"
                  + " f1.run_uuid = runs.run_uuid AND f1.\"key\" = ? AND f1.is_nan = 0 AND"
                  + " f1.value < ?) ORDER BY CASE WHEN o2.value IS NULL THEN 2 WHEN o2.is_nan = 1"
                  + " THEN 1 ELSE 0 END, o2.value ASC, CASE WHEN runs.start_time IS NULL THEN 1"
                  + " ELSE 0 END, runs.start_time DESC, runs.run_uuid ASC LIMIT ? OFFSET ?");
      assertThat(plan.params()).containsExactly("rmse", 1L, "active", "rmse", 0.8, 1001, 0);
    }

    @Test
    @DisplayName("treats NaN metrics as unequal to everything and not comparable")
    void metricNotEqual() {
      assertThat(runs("metrics.m != 1").sql()).contains("AND (f1.is_nan = 1 OR f1.value != ?))");
      assertThat(runs("metrics.m >= 1").sql()).contains("AND f1.is_nan = 0 AND f1.value >= ?)");
      assertThat(runs("metrics.m = 1").params()).contains(1.0);
    }

    @Test
    @DisplayName("compiles params and tags to EXISTS subqueries and ILIKE to lower() LIKE lower()")
    void paramsTagsAndIlike() {
      Plan plan = runs("params.alpha = '0.5' AND tags.team ILIKE 'Ri%'");
      assertThat(plan.sql())
          .contains(
              "EXISTS (SELECT 1 FROM params f1 WHERE f1.run_uuid = runs.run_uuid AND f1.\"key\" = ?"
                  + " AND f1.value = ?)")
          .contains(
              "EXISTS (SELECT 1 FROM tags f2 WHERE f2.run_uuid = runs.run_uuid AND f2.\"key\" = ?"
                  + " AND lower(f2.value) LIKE lower(?))");
      assertThat(plan.params()).containsSubsequence("alpha", "0.5", "team", "Ri%");
      assertThat(runs("status ILIKE 'fin%'").sql()).contains("lower(runs.status) LIKE lower(?)");
      assertThat(runs("run_name LIKE 'a%'").sql()).contains("runs.name LIKE ?");
    }

    @Test
    @DisplayName("binds IN lists one placeholder per value")
    void inLists() {
      Plan plan = runs("run_id IN ('a', 'b', 'c') AND attributes.run_id NOT IN ('d')");
      assertThat(plan.sql()).contains("runs.run_uuid IN (?, ?, ?) AND runs.run_uuid NOT IN (?)");
      assertThat(plan.params()).containsSubsequence("a", "b", "c", "d");
    }

    @Test
    @DisplayName("binds times as Long when whole and Double otherwise")
    void numbers() {
      assertThat(runs("start_time > 1700000000000").params()).contains(1_700_000_000_000L);
      assertThat(runs("created >= 1.5e3").params()).contains(1500L);
      assertThat(runs("end_time < 10.5").params()).contains(10.5);
      assertThat(runs("created >= 1").sql()).contains("runs.start_time >= ?");
    }

    @Test
    @DisplayName(
        "maps the view type to the lifecycle stage and binds numeric experiment ids as numbers")
    void viewTypeAndExperimentIds() {
      RunQuery.Builder q = RunQuery.builder().experimentIds("0", "12", "abc");
      Plan all = SqlSearch.runs(q.viewType(ViewType.ALL).build());
      assertThat(all.sql()).doesNotContain("lifecycle_stage").contains("IN (?, ?, ?)");
      assertThat(all.params()).startsWith(0L, 12L, "abc");
      assertThat(SqlSearch.runs(q.viewType(ViewType.DELETED_ONLY).build()).params())
          .contains("deleted")
          .doesNotContain("active");
    }

    @Test
    @DisplayName("never puts a value or key into the SQL text")
    void injection() {
      String evil = "x'); DROP TABLE runs; --";
      Plan plan =
          runs(
              "params.alpha = 'x''); DROP TABLE runs; --' AND tags.`x\"; DROP TABLE runs; --` ="
                  + " \"y\" AND run_id IN ('a'' OR 1=1') AND datasets.context LIKE '%;%'",
              "params.`a\" DESC; DROP TABLE runs; --`");
      assertThat(plan.sql()).doesNotContain("'").doesNotContain("DROP").doesNotContain(";");
      assertThat(plan.params())
          .contains(
              evil,
              "x\"; DROP TABLE runs; --",
              "a' OR 1=1",
              "%;%",
              "a\" DESC; DROP TABLE runs; --");
    }
  }

  @Nested
  @DisplayName("for the registry and experiments")
  class OtherTargets {

    @Test
    @DisplayName("model versions always exclude deleted versions")
    void deletedVersions() {
      for (SearchQuery q :
          List.of(SearchQuery.all(), SearchQuery.filter("name = 'fraud' AND version_number > 2"))) {
        Plan plan = SqlSearch.modelVersions(q);
        assertThat(plan.sql())
            .startsWith(
                "SELECT model_versions.name, model_versions.version FROM model_versions WHERE"
                    + " model_versions.current_stage IS NOT ?")
            .endsWith(
                "ORDER BY model_versions.name ASC, model_versions.version DESC LIMIT ? OFFSET ?");
        assertThat(plan.params()).startsWith("Deleted_Internal");
      }
    }

    @Test
    @DisplayName("experiments default to creation time descending, then experiment id")
    void experimentsDefaultOrder() {
      Plan plan = SqlSearch.experiments(SearchQuery.all());
      assertThat(plan.sql())
          .isEqualTo(
              "SELECT experiments.experiment_id FROM experiments WHERE experiments.lifecycle_stage"
                  + " = ? ORDER BY CASE WHEN experiments.creation_time IS NULL THEN 1 ELSE 0 END,"
                  + " experiments.creation_time DESC, experiments.experiment_id ASC LIMIT ? OFFSET"
                  + " ?");
    }

    @Test
    @DisplayName(
        "registered models order by name unless told otherwise, 'timestamp' meaning last update")
    void registeredModelOrder() {
      assertThat(SqlSearch.registeredModels(SearchQuery.all()).sql())
          .startsWith("SELECT registered_models.name FROM registered_models WHERE NOT EXISTS")
          .endsWith("ORDER BY registered_models.name ASC LIMIT ? OFFSET ?");
      assertThat(
              SqlSearch.registeredModels(SearchQuery.builder().orderBy("timestamp DESC").build())
                  .sql())
          .contains(
              "ORDER BY CASE WHEN registered_models.last_updated_time IS NULL THEN 1 ELSE 0 END,"
                  + " registered_models.last_updated_time DESC, registered_models.name ASC");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          "experiments       | metrics.x > 1          | experiments have no metrics: experiments"
              + " accept attributes., tags. or a bare attribute name",
          "experiments       | params.a = 'x'         | experiments have no params",
          "experiments       | experiment_id = 1      | 'experiment_id' is not a searchable"
              + " attribute of experiments: use one of name, creation_time, last_update_time",
          "experiments       | name IN ('a')          | IN is not supported for name: experiments"
              + " filters take no lists; use one of = != LIKE ILIKE",
          "registered models | run_id = 'x'           | 'run_id' is not a searchable attribute of"
              + " registered models: use one of name.",
          "registered models | tags.x > 1             | > cannot be used on tags.x (tags are"
              + " strings)",
          "registered models | datasets.name = 'x'    | registered models have no datasets",
          "model versions    | run_id NOT IN ('a')    | NOT IN cannot be used on run_id: use one of"
              + " = != LIKE ILIKE IN",
          "model versions    | name IN ('a')          | IN is not supported for name: only run_id"
              + " of model versions can be compared with a list",
          "model versions    | version_number = '3'   | version_number is numeric: expected a"
              + " number such as 3, without quotes",
          "model versions    | run.name = 'x'         | unknown prefix 'run.' in run.name: model"
              + " versions accept attributes., tags. or a bare attribute name",
        })
    @DisplayName("filters use only what each search supports")
    void unsupportedFilters(String target, String filter, String says) {
      SearchQuery q = SearchQuery.filter(filter);
      assertThatThrownBy(
              () -> {
                switch (target) {
                  case "experiments" -> SqlSearch.experiments(q);
                  case "registered models" -> SqlSearch.registeredModels(q);
                  default -> SqlSearch.modelVersions(q);
                }
              })
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("Invalid filter \"" + filter + "\": at character ")
          .hasMessageContaining(says);
    }
  }

  @Nested
  @DisplayName("order_by")
  class OrderBy {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          "metrics.rmse UP             | at character 14, found 'UP' after metrics.rmse: expected"
              + " ASC, DESC or the end of the clause",
          "metrics.rmse ASC, params.a  | at character 17, found ',' after the direction: expected"
              + " the end of the clause (pass each order_by clause as its own string)",
          "metrics.rmse ASC DESC       | at character 18, found 'DESC' after the direction",
          "~~                          | at character 1, found the end of the text where a key was"
              + " expected",
          "DESC                        | at character 1, found 'DESC' where a key was expected",
          "'rmse'                      | at character 1, found ''rmse'' where a key was expected",
          "datasets.name               | at character 1, runs cannot be ordered by datasets",
          "attributes.lifecycle_stage  | at character 1, 'lifecycle_stage' is not an orderable"
              + " attribute of runs: use one of run_id, run_name, status",
          "params.`a b                 | at character 8, the key starting with ` is never closed",
        })
    @DisplayName("a malformed clause is rejected with the clause quoted and the position")
    void malformed(String clause, String says) {
      assertThatThrownBy(() -> runs("", clause))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("Invalid order_by clause \"" + clause + "\": ")
          .hasMessageContaining(says);
    }

    @Test
    @DisplayName("naming a key twice, even through an alias, is rejected")
    void duplicates() {
      assertThatThrownBy(() -> runs("", "metrics.a", "metrics.a DESC"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("orders by metrics.a a second time");
      assertThatThrownBy(() -> runs("", "start_time", "created DESC"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("orders by created a second time");
    }

    @Test
    @DisplayName("an explicit start_time or run_id order replaces the matching tie-breaker")
    void tieBreakersNotRepeated() {
      String sql = runs("", "start_time ASC", "run_id DESC").sql();
      assertThat(sql)
          .endsWith(
              "ORDER BY CASE WHEN runs.start_time IS NULL THEN 1 ELSE 0 END, runs.start_time ASC,"
                  + " runs.run_uuid DESC LIMIT ? OFFSET ?");
    }

    @Test
    @DisplayName("experiments cannot be ordered by tags")
    void experimentTags() {
      assertThatThrownBy(
              () -> SqlSearch.experiments(SearchQuery.builder().orderBy("tags.owner").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(
              "experiments can only be ordered by attributes, not by tags: use one of name,"
                  + " experiment_id, creation_time, last_update_time.");
    }
  }

  @Nested
  @DisplayName("Plan.page")
  class Paging {

    @Test
    @DisplayName("cuts the extra row and makes a token only when it was fetched")
    void page() {
      Plan plan = SqlSearch.runs(RunQuery.builder().experimentIds("1").maxResults(2).build());
      Page<String> full = plan.page(List.of("a", "b", "c"));
      assertThat(full.items()).containsExactly("a", "b");
      assertThat(full.nextPageToken()).isNotNull();
      assertThat(plan.page(List.of("a", "b")).nextPageToken()).isNull();
      assertThat(plan.page(List.<String>of()).items()).isEmpty();
    }
  }
}
