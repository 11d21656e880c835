package dev.mlops.internal.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Raw JDBC access to a store file, to check what was written independently of the store. */
final class Db {

  private Db() {}

  static Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  /** The first column of every row of {@code sql}, as strings. */
  static List<String> column(Path file, String sql) throws SQLException {
    try (Connection c = connect(file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }

  /** The single long value {@code sql} returns. */
  static long number(Path file, String sql) throws SQLException {
    try (Connection c = connect(file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void execute(Path file, String sql) throws SQLException {
    try (Connection c = connect(file);
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }
}
