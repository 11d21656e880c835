package dev.mlops.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the {@code metrics} table of an embedded store holds for one run, per key, read with plain
 * JDBC so that the check does not go through the code under test.
 *
 * @param rows rows stored
 * @param distinctSteps distinct steps among them
 * @param minStep smallest step
 * @param maxStep largest step
 */
record MetricRows(long rows, long distinctSteps, long minStep, long maxStep) {

  /** True when steps 0..maxStep are each stored exactly once. */
  boolean contiguousOnce() {
    return rows == distinctSteps && minStep == 0 && rows == maxStep + 1;
  }

  /** Asserts that the run holds exactly {@code keys} keys, each with steps 0..perKey-1 once. */
  static void assertEachKeyStoredOnce(Path database, String runId, int keys, int perKey)
      throws SQLException {
    Map<String, MetricRows> stored = of(database, runId);
    assertThat(stored).hasSize(keys);
    stored.forEach(
        (key, rows) -> {
          assertThat(rows.rows()).as(key).isEqualTo(perKey);
          assertThat(rows.contiguousOnce()).as(key + " " + rows).isTrue();
        });
  }

  static Map<String, MetricRows> of(Path database, String runId) throws SQLException {
    Map<String, MetricRows> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT key, COUNT(*), COUNT(DISTINCT step), MIN(step), MAX(step) FROM metrics"
                    + " WHERE run_uuid = ? GROUP BY key")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1),
              new MetricRows(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    }
    return out;
  }
}
