package dev.mlops.internal.search;

import dev.mlops.internal.search.SearchTarget.ChildTable;
import dev.mlops.internal.search.SearchTarget.Ordering;
import dev.mlops.internal.search.SearchTarget.ResolvedKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles parsed filter and order_by clauses into one parameterised SQLite {@code SELECT} for a
 * {@link SearchTarget}: checks each clause against what the target accepts (operators, value
 * types), turns metric/param/tag clauses into correlated {@code EXISTS} subqueries, and order_by
 * keys on child tables into {@code LEFT JOIN}s whose missing rows sort last in both directions.
 *
 * <p>Single use: create one per query.
 */
final class SearchSqlBuilder {
  private final SearchTarget target;
  private final List<SqlWriter> conditions = new ArrayList<>();
  private final SqlWriter joins = new SqlWriter();
  private final SqlWriter order = new SqlWriter();
  private final Set<String> filteredTagKeys = new HashSet<>();
  private int aliases;

  SearchSqlBuilder(SearchTarget target) {
    this.target = target;
  }

  /** Adds a fixed condition (experiment ids, lifecycle stage, ...). */
  SearchSqlBuilder where(SqlWriter condition) {
    conditions.add(condition);
    return this;
  }

  /** Parses, checks and adds the clauses of {@code filter}; a blank filter adds nothing. */
  SearchSqlBuilder filter(String filter) {
    if (filter.isBlank()) {
      return this;
    }
    SearchText source = SearchText.filter(filter);
    for (Clause clause : FilterParser.parseFilter(filter)) {
      ResolvedKey key = target.resolve(clause.left(), source, false);
      check(key, clause, source);
      if (key.type() == KeyType.TAG) {
        filteredTagKeys.add(key.key());
      }
      conditions.add(condition(key, clause));
    }
    return this;
  }

  /** Whether the filter has a clause on {@code tags.<key>}. */
  boolean filtersOnTag(String key) {
    return filteredTagKeys.contains(key);
  }

  /**
   * Adds the order: {@code clauses}, or the target's default when there are none, followed by the
   * target's tie-breakers that are not already part of it.
   */
  SearchSqlBuilder orderBy(List<String> clauses) {
    Set<String> seen = new HashSet<>();
    if (clauses.isEmpty()) {
      for (Ordering o : target.defaultOrder()) {
        seen.add(KeyType.ATTRIBUTE + ":" + o.attribute());
        orderByAttribute(target.orderAttribute(o.attribute()), o.ascending());
      }
    }
    for (String clause : clauses) {
      OrderTerm term = FilterParser.parseOrderBy(clause);
      SearchText source = SearchText.orderBy(clause);
      ResolvedKey key = target.resolve(term.key(), source, true);
      if (!seen.add(key.type() + ":" + key.key())) {
        throw source.error(
            "it orders by "
                + term.key().text()
                + " a second time in order_by "
                + clauses
                + ": name each key once.");
      }
      Attribute attribute = key.attribute();
      if (attribute != null) {
        orderByAttribute(attribute, term.ascending());
      } else {
        orderByChild(key, term.ascending());
      }
    }
    for (Ordering o : target.tieBreakers()) {
      if (seen.add(KeyType.ATTRIBUTE + ":" + o.attribute())) {
        orderByAttribute(target.orderAttribute(o.attribute()), o.ascending());
      }
    }
    return this;
  }

  /** The finished statement, fetching {@code pageSize + 1} rows from {@code offset}. */
  Plan build(int pageSize, int offset, String fingerprint) {
    SqlWriter out =
        new SqlWriter().sql("SELECT " + target.selectColumns() + " FROM " + target.table());
    out.append(joins);
    for (int i = 0; i < conditions.size(); i++) {
      out.sql(i == 0 ? " WHERE " : " AND ").append(conditions.get(i));
    }
    out.sql(" ORDER BY ").append(order);
    out.sql(" LIMIT ").bind(pageSize + 1).sql(" OFFSET ").bind(offset);
    return new Plan(out.text(), out.params(), pageSize, offset, fingerprint);
  }

  private void check(ResolvedKey key, Clause clause, SearchText source) {
    Attribute attribute = key.attribute();
    boolean numeric;
    switch (key.type()) {
      case ATTRIBUTE:
        if (attribute == null) {
          throw new IllegalStateException("attribute key without attribute: " + key);
        }
        checkAttributeComparator(attribute, clause, source);
        numeric = attribute.numeric();
        break;
      case METRIC:
        numeric = true;
        allow(Comparator.NUMERIC, clause, source, " (metrics are numbers)");
        break;
      case PARAM:
      case TAG:
        numeric = false;
        allow(Comparator.STRING, clause, source, " (" + key.type().prefix() + " are strings)");
        break;
      case DATASET:
        numeric = false;
        break;
      default:
        throw new IllegalStateException("unknown key type " + key.type());
    }
    checkValue(numeric, key, clause, source);
  }

  private void checkAttributeComparator(Attribute attribute, Clause clause, SearchText source) {
    Comparator comparator = clause.comparator();
    Set<Comparator> allowed = attribute.comparators();
    if (comparator.takesList() && !attribute.numeric() && !allowed.contains(Comparator.IN)) {
      String lists = target.listAttributes();
      throw source.error(
          clause.comparatorStart(),
          comparator.symbol()
              + " is not supported for "
              + clause.left().text()
              + ": "
              + (lists.isEmpty()
                  ? target.label() + " filters take no lists; use one of " + describe(allowed)
                  : "only " + lists + " of " + target.label() + " can be compared with a list")
              + ".");
    }
    allow(allowed, clause, source, "");
  }

  private static void allow(
      Set<Comparator> allowed, Clause clause, SearchText source, String explanation) {
    if (!allowed.contains(clause.comparator())) {
      throw source.error(
          clause.comparatorStart(),
          clause.comparator().symbol()
              + " cannot be used on "
              + clause.left().text()
              + explanation
              + ": use one of "
              + describe(allowed)
              + ".");
    }
  }

  private static void checkValue(
      boolean numeric, ResolvedKey key, Clause clause, SearchText source) {
    String left = clause.left().text();
    FilterValue value = clause.value();
    if (numeric && !(value instanceof FilterValue.Numeric)) {
      String example =
          key.type() == KeyType.METRIC
              ? "0.8"
              : key.key().endsWith("time") || key.key().endsWith("timestamp")
                  ? "1700000000000 (milliseconds since the epoch)"
                  : "3";
      throw source.error(
          clause.valueStart(),
          left + " is numeric: expected a number such as " + example + ", without quotes.");
    }
    if (!numeric && value instanceof FilterValue.Numeric number) {
      throw source.error(
          clause.valueStart(),
          left
              + " holds strings: quote the value, e.g. "
              + left
              + " "
              + clause.comparator().symbol()
              + " '"
              + number.text()
              + "'.");
    }
  }

  private static String describe(Set<Comparator> comparators) {
    return Comparator.describe(comparators);
  }

  private SqlWriter condition(ResolvedKey key, Clause clause) {
    SqlWriter w = new SqlWriter();
    Attribute attribute = key.attribute();
    if (attribute != null) {
      compare(w, attribute.column(), clause, true);
      return w;
    }
    String f = "f" + (++aliases);
    switch (key.type()) {
      case METRIC:
        ChildTable metrics = target.child(KeyType.METRIC);
        w.sql("EXISTS (SELECT 1 FROM " + metrics.table() + " " + f + " WHERE ")
            .sql(metrics.correlate(f))
            .sql(" AND " + f + ".\"key\" = ")
            .bind(key.key());
        double value = ((FilterValue.Numeric) clause.value()).asDouble();
        if (clause.comparator() == Comparator.NE) {
          w.sql(" AND (" + f + ".is_nan = 1 OR " + f + ".value != ").bind(value).sql("))");
        } else {
          w.sql(
                  " AND "
                      + f
                      + ".is_nan = 0 AND "
                      + f
                      + ".value "
                      + clause.comparator().symbol()
                      + " ")
              .bind(value)
              .sql(")");
        }
        return w;
      case PARAM:
      case TAG:
        ChildTable child = target.child(key.type());
        w.sql("EXISTS (SELECT 1 FROM " + child.table() + " " + f + " WHERE ")
            .sql(child.correlate(f))
            .sql(" AND " + f + ".\"key\" = ")
            .bind(key.key())
            .sql(" AND ");
        compare(w, f + ".value", clause, false);
        return w.sql(")");
      case DATASET:
        return dataset(w, f, key.key(), clause);
      default:
        throw new IllegalStateException("unknown key type " + key.type());
    }
  }

  private SqlWriter dataset(SqlWriter w, String f, String field, Clause clause) {
    String d = f + "d";
    w.sql("EXISTS (SELECT 1 FROM inputs " + f + " JOIN datasets " + d)
        .sql(" ON " + d + ".dataset_uuid = " + f + ".source_id");
    String column = d + "." + field;
    if (field.equals("context")) {
      String t = f + "t";
      w.sql(" JOIN input_tags " + t + " ON " + t + ".input_uuid = " + f + ".input_uuid AND ")
          .sql(t + ".name = ")
          .bind("mlflow.data.context");
      column = t + ".value";
    }
    w.sql(" WHERE " + f + ".source_type = ")
        .bind("DATASET")
        .sql(" AND " + f + ".destination_type = ")
        .bind("RUN")
        .sql(" AND " + f + ".destination_id = runs.run_uuid AND ");
    compare(w, column, clause, false);
    return w.sql(")");
  }

  private static void compare(SqlWriter w, String column, Clause clause, boolean exactNumbers) {
    FilterValue value = clause.value();
    Comparator comparator = clause.comparator();
    if (value instanceof FilterValue.TextList list) {
      w.sql(column + " " + comparator.symbol() + " (").bindAll(list.values()).sql(")");
      return;
    }
    Object bound =
        value instanceof FilterValue.Numeric n
            ? (exactNumbers ? n.asLongOrDouble() : Double.valueOf(n.asDouble()))
            : ((FilterValue.Text) value).value();
    if (comparator == Comparator.ILIKE) {
      w.sql("lower(" + column + ") LIKE lower(").bind(bound).sql(")");
    } else {
      w.sql(column + " " + comparator.symbol() + " ").bind(bound);
    }
  }

  private void orderByAttribute(Attribute attribute, boolean ascending) {
    separate();
    String column = attribute.column();
    if (attribute.nullable()) {
      order.sql("CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END, ");
    }
    order.sql(column + (ascending ? " ASC" : " DESC"));
  }

  private void orderByChild(ResolvedKey key, boolean ascending) {
    ChildTable child = target.child(key.type());
    String o = "o" + (++aliases);
    joins
        .sql(" LEFT JOIN " + child.table() + " " + o + " ON ")
        .sql(child.correlate(o))
        .sql(" AND " + o + ".\"key\" = ")
        .bind(key.key());
    separate();
    if (key.type() == KeyType.METRIC) {
      order.sql(
          "CASE WHEN " + o + ".value IS NULL THEN 2 WHEN " + o + ".is_nan = 1 THEN 1 ELSE 0 END, ");
    } else {
      order.sql("CASE WHEN " + o + ".value IS NULL THEN 1 ELSE 0 END, ");
    }
    order.sql(o + ".value" + (ascending ? " ASC" : " DESC"));
  }

  private void separate() {
    if (!order.isEmpty()) {
      order.sql(", ");
    }
  }
}
