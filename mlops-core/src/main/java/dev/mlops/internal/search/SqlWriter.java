package dev.mlops.internal.search;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text with its bind parameters, kept in the order the placeholders appear. Every value goes
 * through {@link #bind}; nothing a caller typed is ever appended as text.
 */
final class SqlWriter {
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  /** Appends trusted SQL text (never user input). */
  SqlWriter sql(String text) {
    sql.append(text);
    return this;
  }

  /** Appends a {@code ?} placeholder bound to {@code value}. */
  SqlWriter bind(Object value) {
    sql.append('?');
    params.add(value);
    return this;
  }

  /** Appends {@code ?, ?, ?} bound to {@code values}. */
  SqlWriter bindAll(List<?> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sql.append(", ");
      }
      bind(values.get(i));
    }
    return this;
  }

  /** Appends another writer's text and parameters. */
  SqlWriter append(SqlWriter other) {
    sql.append(other.sql);
    params.addAll(other.params);
    return this;
  }

  boolean isEmpty() {
    return sql.length() == 0;
  }

  String text() {
    return sql.toString();
  }

  List<Object> params() {
    return List.copyOf(params);
  }
}
