package dev.mlops.internal.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("FilterParser")
class FilterParserTest {

  private static Clause only(String filter) {
    List<Clause> clauses = FilterParser.parseFilter(filter);
    assertThat(clauses).hasSize(1);
    return clauses.get(0);
  }

  @Test
  @DisplayName("an empty or blank filter has no clauses")
  void emptyFilter() {
    assertThat(FilterParser.parseFilter("")).isEmpty();
    assertThat(FilterParser.parseFilter("   \t")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "metrics.rmse = 1    | EQ",
        "metrics.rmse != 1   | NE",
        "metrics.rmse < 1    | LT",
        "metrics.rmse <= 1   | LE",
        "metrics.rmse > 1    | GT",
        "metrics.rmse >= 1   | GE",
        "metrics.rmse>=1     | GE",
        "tags.t LIKE 'a%'    | LIKE",
        "tags.t like 'a%'    | LIKE",
        "tags.t ILIKE 'a%'   | ILIKE",
        "tags.t iLike 'a%'   | ILIKE",
        "run_id IN ('a')     | IN",
        "run_id in ('a')     | IN",
        "run_id NOT IN ('a') | NOT_IN",
        "run_id not In ('a') | NOT_IN",
      })
  @DisplayName("every operator is recognised, keywords in any case")
  void operators(String filter, Comparator expected) {
    assertThat(only(filter).comparator()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "metrics.rmse < 1            | metrics    | rmse",
        "metric.rmse < 1             | metric     | rmse",
        "params.alpha = 'x'          | params     | alpha",
        "param.alpha = 'x'           | param      | alpha",
        "tags.team = 'x'             | tags       | team",
        "tag.team = 'x'              | tag        | team",
        "attributes.status = 'x'     | attributes | status",
        "attribute.status = 'x'      | attribute  | status",
        "attr.status = 'x'           | attr       | status",
        "run.status = 'x'            | run        | status",
        "tags.mlflow.source.name = 'x' | tags     | mlflow.source.name",
        "metrics.val-loss < 1        | metrics    | val-loss",
        "metrics.`my metric` < 1     | metrics    | my metric",
        "tags.\"a.b c\" = 'x'        | tags       | a.b c",
        "params.'odd key' = 'x'      | params     | odd key",
        "`metrics`.rmse < 1          | metrics    | rmse",
      })
  @DisplayName("prefixed identifiers split at the first dot, with quoted or bare keys")
  void prefixedIdentifiers(String filter, String prefix, String key) {
    Token left = only(filter).left();
    assertThat(left.value()).isEqualTo(prefix);
    assertThat(left.key()).isEqualTo(key);
  }

  @Test
  @DisplayName("a bare name is an attribute, and a backticked bare name may contain spaces")
  void bareNames() {
    Token status = only("status = 'FINISHED'").left();
    assertThat(status.value()).isEqualTo("status");
    assertThat(status.key()).isNull();

    Token runName = only("`Run name` = 'x'").left();
    assertThat(runName.value()).isEqualTo("Run name");
    assertThat(runName.quoted()).isTrue();
    assertThat(runName.key()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "metrics.m = 1        | 1",
        "metrics.m = 0.25     | 0.25",
        "metrics.m = -3       | -3",
        "metrics.m = -0.5     | -0.5",
        "metrics.m = +2       | 2",
        "metrics.m = .5       | 0.5",
        "metrics.m = 1e3      | 1000",
        "metrics.m = 2.5E-2   | 0.025",
        "metrics.m = -1e+2    | -100",
      })
  @DisplayName("numbers: integers, decimals, negatives and scientific notation")
  void numbers(String filter, String expected) {
    FilterValue value = only(filter).value();
    assertThat(value).isInstanceOf(FilterValue.Numeric.class);
    assertThat(((FilterValue.Numeric) value).value())
        .isEqualByComparingTo(new BigDecimal(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "params.a = 'x'            | x",
        "params.a = \"x\"          | x",
        "params.a = ''             | ''",
        "params.a = 'it''s'        | it's",
        "params.a = 'it\\'s'       | it's",
        "params.a = \"say \"\"hi\"\"\" | say \"hi\"",
        "params.a = 'a b AND c'    | a b AND c",
        "params.a = 'back\\\\'     | back\\",
        "params.a = 'C:\\dir'      | C:\\dir",
      })
  @DisplayName("strings in single or double quotes, with doubled or backslashed quotes")
  void strings(String filter, String expected) {
    FilterValue value = only(filter).value();
    assertThat(value).isEqualTo(new FilterValue.Text(expected.equals("''") ? "" : expected));
  }

  @Test
  @DisplayName("IN takes a parenthesised list of strings")
  void lists() {
    assertThat(only("run_id IN ('a', \"b\",'c' )").value())
        .isEqualTo(new FilterValue.TextList(List.of("a", "b", "c")));
    assertThat(only("run_id NOT IN ('only')").value())
        .isEqualTo(new FilterValue.TextList(List.of("only")));
  }

  @Test
  @DisplayName("clauses are joined by AND in any case and keep their order")
  void conjunction() {
    List<Clause> clauses =
        FilterParser.parseFilter(
            "metrics.rmse < 0.8 and params.alpha = '0.5' AND tags.team LIKE 'ri%' aNd status ="
                + " 'FINISHED'");
    assertThat(clauses)
        .extracting(c -> c.left().text())
        .containsExactly("metrics.rmse", "params.alpha", "tags.team", "status");
  }

  @Test
  @DisplayName("a clause remembers where its operator and value start")
  void positions() {
    Clause c = only("  params.a  =  'x'");
    assertThat(c.left().start()).isEqualTo(2);
    assertThat(c.comparatorStart()).isEqualTo(12);
    assertThat(c.valueStart()).isEqualTo(15);
  }

  @Test
  @DisplayName("order_by clauses: key with optional ASC or DESC in any case")
  void orderBy() {
    assertThat(FilterParser.parseOrderBy("metrics.rmse").ascending()).isTrue();
    assertThat(FilterParser.parseOrderBy("metrics.rmse ASC").ascending()).isTrue();
    assertThat(FilterParser.parseOrderBy("metrics.rmse desc").ascending()).isFalse();
    OrderTerm quoted = FilterParser.parseOrderBy("params.`learning rate` DESC");
    assertThat(quoted.key().key()).isEqualTo("learning rate");
    assertThat(quoted.ascending()).isFalse();
    assertThat(FilterParser.parseOrderBy("start_time").key().value()).isEqualTo("start_time");
  }
}
