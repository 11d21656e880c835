package dev.mlops.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Small JDBC conveniences shared by the store's classes. */
final class Sql {

  /** How many values one {@code IN (...)} list carries; well under SQLite's variable limit. */
  static final int IN_CHUNK = 500;

  private Sql() {}

  /** {@code ?, ?, ?} with {@code n} marks. */
  static String marks(int n) {
    StringBuilder sb = new StringBuilder(n * 3);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }

  /** {@code values} cut into lists of at most {@link #IN_CHUNK}. */
  static <T> List<List<T>> chunks(List<T> values) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < values.size(); i += IN_CHUNK) {
      chunks.add(values.subList(i, Math.min(values.size(), i + IN_CHUNK)));
    }
    return chunks;
  }

  /** Runs an insert, update or delete with {@code params}; returns the changed row count. */
  static int update(Connection c, String sql, @Nullable Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    }
  }

  /** Whether {@code sql} with {@code params} returns at least one row. */
  static boolean exists(Connection c, String sql, @Nullable Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The first column of the first row as a string, or null when there is no row. */
  static @Nullable String string(Connection c, String sql, @Nullable Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Binds {@code params} in order; null binds SQL NULL. */
  static void bind(PreparedStatement ps, @Nullable Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      bindOne(ps, i + 1, params[i]);
    }
  }

  /** Binds {@code params} starting at index {@code from}. */
  static void bind(PreparedStatement ps, int from, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      bindOne(ps, from + i, params.get(i));
    }
  }

  private static void bindOne(PreparedStatement ps, int index, @Nullable Object value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.NULL);
    } else {
      ps.setObject(index, value);
    }
  }

  /** A nullable BIGINT column. */
  static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /** A string column where SQL NULL reads as {@code fallback}. */
  static String string(ResultSet rs, String column, String fallback) throws SQLException {
    String v = rs.getString(column);
    return v == null ? fallback : v;
  }

  /** Reads one row of a result set. */
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Runs {@code sql} with {@code params} and hands every row to {@code reader}. */
  static void query(Connection c, String sql, List<?> params, RowReader reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, 1, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }
}
