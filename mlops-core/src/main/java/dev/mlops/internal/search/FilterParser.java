package dev.mlops.internal.search;

import dev.mlops.internal.search.Token.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for MLflow's search grammar.
 *
 * <pre>
 * filter    := clause (AND clause)* END  |  END
 * clause    := IDENTIFIER comparator value
 * comparator:= = | != | &lt; | &lt;= | &gt; | &gt;= | LIKE | ILIKE | IN | NOT IN
 * value     := STRING | NUMBER | '(' STRING (',' STRING)* ')'     (the list only after IN / NOT IN)
 * order_by  := IDENTIFIER (ASC | DESC)? END
 * </pre>
 *
 * <p>Keywords are case-insensitive. {@code OR}, parentheses around clauses and {@code NOT LIKE} are
 * not part of MLflow's grammar and are rejected with a message saying what to write instead. This
 * class checks syntax only; which keys and operators a search accepts is {@link SearchTarget}'s
 * job.
 */
final class FilterParser {
  private final SearchText source;
  private final List<Token> tokens;
  private int index;

  private FilterParser(SearchText source) {
    this.source = source;
    this.tokens = FilterLexer.tokenize(source);
  }

  /** The clauses of {@code filter}; empty for a blank filter. */
  static List<Clause> parseFilter(String filter) {
    return new FilterParser(SearchText.filter(filter)).filter();
  }

  /** One order_by clause such as {@code metrics.rmse DESC}. */
  static OrderTerm parseOrderBy(String clause) {
    return new FilterParser(SearchText.orderBy(clause)).orderBy();
  }

  private List<Clause> filter() {
    List<Clause> clauses = new ArrayList<>();
    if (peek().kind() == Kind.END) {
      return clauses;
    }
    clauses.add(clause());
    while (peek().kind() != Kind.END) {
      Token t = peek();
      if (t.isWord("AND")) {
        index++;
        if (peek().kind() == Kind.END) {
          throw source.error(
              t.start(), "AND is not followed by a clause: remove it or add a clause after it.");
        }
        clauses.add(clause());
      } else if (t.isWord("OR")) {
        throw source.error(
            t.start(),
            "OR is not supported: MLflow filters join clauses with AND only. Run one search per"
                + " alternative, or use run_id IN ('a', 'b') for a set of runs.");
      } else {
        throw source.error(
            t.start(),
            "found " + t.describe() + " after a complete clause: expected AND or the end.");
      }
    }
    return clauses;
  }

  private Clause clause() {
    Token left = peek();
    if (left.kind() == Kind.LEFT_PAREN) {
      throw source.error(
          left.start(),
          "parentheses around clauses are not supported: write clauses joined by AND, e.g."
              + " metrics.rmse < 0.8 AND params.alpha = '0.5'.");
    }
    if (left.kind() != Kind.IDENTIFIER || isKeyword(left)) {
      throw source.error(
          left.start(),
          "found "
              + left.describe()
              + " where a key was expected, such as metrics.rmse, params.alpha, tags.team or"
              + " attributes.status.");
    }
    index++;
    Token opToken = peek();
    Comparator comparator = comparator(left);
    int valueStart = peek().start();
    FilterValue value = comparator.takesList() ? list(comparator) : scalar(opToken);
    return new Clause(left, comparator, opToken.start(), value, valueStart);
  }

  private Comparator comparator(Token left) {
    Token t = peek();
    index++;
    if (t.kind() == Kind.OPERATOR) {
      switch (t.value()) {
        case "=":
          return Comparator.EQ;
        case "!=":
          return Comparator.NE;
        case "<":
          return Comparator.LT;
        case "<=":
          return Comparator.LE;
        case ">":
          return Comparator.GT;
        case ">=":
          return Comparator.GE;
        case "==":
          throw source.error(t.start(), "'==' is not an operator: use '=' for \"equal\".");
        case "<>":
          throw source.error(t.start(), "'<>' is not supported: use '!=' for \"not equal\".");
        default:
          break;
      }
    }
    if (t.isWord("LIKE")) {
      return Comparator.LIKE;
    }
    if (t.isWord("ILIKE")) {
      return Comparator.ILIKE;
    }
    if (t.isWord("IN")) {
      return Comparator.IN;
    }
    if (t.isWord("NOT")) {
      Token in = peek();
      if (in.isWord("IN")) {
        index++;
        return Comparator.NOT_IN;
      }
      throw source.error(
          in.start(),
          "NOT must be followed by IN (found "
              + in.describe()
              + "); NOT LIKE is not supported, use != or a narrower LIKE pattern.");
    }
    throw source.error(
        t.start(),
        "found "
            + t.describe()
            + " after "
            + left.text()
            + ": expected a comparison operator, one of = != < <= > >= LIKE ILIKE IN NOT IN.");
  }

  private FilterValue scalar(Token operator) {
    Token t = peek();
    index++;
    switch (t.kind()) {
      case STRING:
        return new FilterValue.Text(t.value());
      case NUMBER:
        return new FilterValue.Numeric(t.text(), new BigDecimal(t.text()));
      case LEFT_PAREN:
        throw source.error(
            t.start(),
            "a list in parentheses only follows IN or NOT IN, not '" + operator.text() + "'.");
      case IDENTIFIER:
        if (t.quoted() && t.key() == null) {
          throw source.error(
              t.start(),
              "backticks quote keys, not values: write the value in single quotes, '"
                  + t.value()
                  + "'.");
        }
        throw source.error(
            t.start(),
            "found "
                + t.describe()
                + " after '"
                + operator.text()
                + "': expected a value, a number or a quoted string such as '"
                + t.text()
                + "'.");
      default:
        throw source.error(
            t.start(),
            "found "
                + t.describe()
                + " after '"
                + operator.text()
                + "': expected a value, a number or a quoted string.");
    }
  }

  private FilterValue list(Comparator comparator) {
    Token open = peek();
    if (open.kind() != Kind.LEFT_PAREN) {
      throw source.error(
          open.start(),
          "found "
              + open.describe()
              + " after "
              + comparator.symbol()
              + ": expected a parenthesised list of quoted strings, e.g. ('a', 'b').");
    }
    index++;
    List<String> values = new ArrayList<>();
    if (peek().kind() == Kind.RIGHT_PAREN) {
      throw source.error(
          open.start(),
          "the list after " + comparator.symbol() + " is empty: give at least one value.");
    }
    while (true) {
      Token item = peek();
      index++;
      if (item.kind() != Kind.STRING) {
        throw source.error(
            item.start(),
            "found "
                + item.describe()
                + " in the list after "
                + comparator.symbol()
                + ": list items must be quoted strings, e.g. ('a', 'b').");
      }
      values.add(item.value());
      Token sep = peek();
      index++;
      if (sep.kind() == Kind.RIGHT_PAREN) {
        return new FilterValue.TextList(values);
      }
      if (sep.kind() != Kind.COMMA) {
        throw source.error(
            sep.start(),
            "found "
                + sep.describe()
                + " in the list after "
                + comparator.symbol()
                + ": expected ',' or ')'.");
      }
    }
  }

  private OrderTerm orderBy() {
    Token key = peek();
    if (key.kind() != Kind.IDENTIFIER || isKeyword(key)) {
      throw source.error(
          key.start(),
          "found "
              + key.describe()
              + " where a key was expected, e.g. metrics.rmse DESC or start_time ASC.");
    }
    index++;
    boolean ascending = true;
    Token direction = peek();
    if (direction.isWord("ASC") || direction.isWord("DESC")) {
      ascending = direction.isWord("ASC");
      index++;
    } else if (direction.kind() != Kind.END) {
      throw source.error(
          direction.start(),
          "found "
              + direction.describe()
              + " after "
              + key.text()
              + ": expected ASC, DESC or the end of the clause (pass each order_by clause as its"
              + " own string).");
    }
    Token end = peek();
    if (end.kind() != Kind.END) {
      throw source.error(
          end.start(),
          "found "
              + end.describe()
              + " after the direction: expected the end of the clause (pass each order_by clause"
              + " as its own string).");
    }
    return new OrderTerm(key, ascending);
  }

  private Token peek() {
    return tokens.get(index);
  }

  private static boolean isKeyword(Token t) {
    for (String word : new String[] {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "ASC", "DESC"}) {
      if (t.isWord(word)) {
        return true;
      }
    }
    return false;
  }
}
