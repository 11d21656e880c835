package dev.mlops.internal.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A SQLite file with MLflow's schema from {@code schema.sql}, for running generated searches. */
final class TestDatabase implements AutoCloseable {
  private final Connection connection;

  private TestDatabase(Connection connection) {
    this.connection = connection;
  }

  static TestDatabase create(Path dir) throws SQLException, IOException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mlflow.db"));
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA foreign_keys = ON");
      st.execute("PRAGMA case_sensitive_like = ON");
      for (String ddl : schema().split(";\n")) {
        if (!ddl.isBlank()) {
          st.execute(ddl);
        }
      }
    }
    return new TestDatabase(c);
  }

  private static String schema() throws IOException {
    try (InputStream in =
        TestDatabase.class.getResourceAsStream("/dev/mlops/internal/store/schema.sql")) {
      if (in == null) {
        throw new IOException("schema.sql is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs an INSERT or other statement with bind values. */
  void exec(String sql, Object... values) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        st.setObject(i + 1, values[i]);
      }
      st.executeUpdate();
    }
  }

  /** The rows a plan's SQL returns, each row's columns joined with '/'. */
  List<String> rows(Plan plan) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(plan.sql())) {
      for (int i = 0; i < plan.params().size(); i++) {
        st.setObject(i + 1, plan.params().get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int c = 1; c <= columns; c++) {
            row.append(c > 1 ? "/" : "").append(rs.getString(c));
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  /** A single number from a query such as {@code SELECT count(*) FROM runs}. */
  long count(String sql) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
