package dev.mlops.internal.search;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.RunQuery;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A malformed run filter")
class MalformedFilterTest {

  /**
   * Each row: the filter, the text the message must point at ({@code <END>} for the end of the
   * filter), and what the message must say.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "params.a = 'x                        | 'x               | the string starting with ' is"
            + " never closed",
        "metrics.`my metric < 1               | `my              | the key starting with ` is never"
            + " closed",
        "foo.bar = 'x'                        | foo.bar          | unknown prefix 'foo.' in"
            + " foo.bar: runs accept attributes., metrics., params., tags., datasets. or a bare"
            + " attribute name",
        "metrics.rmse <                       | <END>            | found the end of the text after"
            + " '<': expected a value",
        "metrics.rmse 0.5                     | 0.5              | found '0.5' after metrics.rmse:"
            + " expected a comparison operator",
        "metrics.rmse LIKE '1%'               | LIKE             | LIKE cannot be used on"
            + " metrics.rmse (metrics are numbers): use one of",
        "params.a = 'x' 'y'                   | 'y'              | found ''y'' after a complete"
            + " clause: expected AND or the end",
        "params.a = 'x' OR params.b = 'y'     | OR               | OR is not supported: MLflow"
            + " filters join clauses with AND only",
        "metrics.rmse < 'abc'                 | 'abc'            | metrics.rmse is numeric:"
            + " expected a number such as 0.8",
        "params.alpha = 0.5                   | 0.5              | params.alpha holds strings:"
            + " quote the value, e.g. params.alpha = '0.5'",
        "attributes.colour = 'red'            | attributes.colour | 'colour' is not a searchable"
            + " attribute of runs: use one of run_id, run_name",
        "status IN ('A', 'B')                 | IN               | IN is not supported for status:"
            + " only run_id of runs can be compared with a list",
        "run_id IN ()                         | (                | the list after IN is empty",
        "run_id IN ('a', 1)                   | 1                | found '1' in the list after IN:"
            + " list items must be quoted strings",
        "start_time > 'yesterday'             | 'yesterday'      | start_time is numeric:"
            + " expected a number such as 1700000000000 (milliseconds since the epoch)",
        "params.a = 'x' AND                   | AND              | AND is not followed by a clause",
        "metrics < 1                          | metrics          | 'metrics' needs a key after a"
            + " dot: write e.g. metrics.my_key",
        "params.a == 'x'                      | ==               | '==' is not an operator: use"
            + " '='",
        "params.a <> 'x'                      | <>               | '<>' is not supported: use '!='",
        "params.a = 'x'; DROP TABLE runs      | ;                | unexpected character ';'",
        "run_id NOT LIKE 'x'                  | LIKE             | NOT must be followed by IN"
            + " (found 'LIKE'); NOT LIKE is not supported",
        "(params.a = 'x')                     | (                | parentheses around clauses are"
            + " not supported",
        "run_id IN 'a'                        | 'a'              | found ''a'' after IN: expected a"
            + " parenthesised list of quoted strings",
        "metrics.x > 1.2.3                    | 1.2.3            | '1.2.3' is not a number",
        "params.a = unquoted                  | unquoted         | expected a value, a number or a"
            + " quoted string such as 'unquoted'",
        "tags.t IN ('a')                      | IN               | IN cannot be used on tags.t"
            + " (tags are strings): use one of = != LIKE ILIKE",
        "params. = 'x'                        | params.          | 'params.' has no key after the"
            + " dot",
        "params.a = `x`                       | `x`              | backticks quote keys, not"
            + " values: write the value in single quotes, 'x'",
        "rmse < 1                             | rmse             | For a metric, param or tag,"
            + " write metrics.rmse, params.rmse or tags.rmse",
        "start_time IN ('1')                  | IN               | IN cannot be used on start_time:"
            + " use one of",
        "datasets.size = 'x'                  | datasets.size    | 'size' is not a dataset field",
        "tags.`` = 'x'                        | ``               | the backticked key `` is empty",
        "params.a = 'x' AND AND params.b = 'y' | AND params       | found 'AND' where a key was"
            + " expected",
        "metrics.rmse ! 1                     | !                | '!' must be followed by '='",
      })
  void isRejectedWithAPreciseMessage(String filter, String at, String says) {
    int position = at.equals("<END>") ? filter.length() : filter.indexOf(at);
    RunQuery query = RunQuery.builder().experimentIds("1").filter(filter).build();
    assertThatThrownBy(() -> SqlSearch.runs(query))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid filter \"" + filter + "\": ")
        .hasMessageContaining("at character " + (position + 1) + ", ")
        .hasMessageContaining(says);
  }
}
