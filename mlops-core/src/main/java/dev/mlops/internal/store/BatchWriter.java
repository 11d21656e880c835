package dev.mlops.internal.store;

import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import dev.mlops.internal.Validation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes one {@code logBatch} inside the caller's transaction: metric history with {@code INSERT OR
 * IGNORE}, {@code latest_metrics} with one conditional upsert per key, params (immutable) and tags
 * (upserts). One reused prepared statement per table, batched; no query per row.
 */
final class BatchWriter {

  private static final String INSERT_METRIC =
      "INSERT OR IGNORE INTO metrics (\"key\", value, timestamp, run_uuid, step, is_nan)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  /** Replaces the stored latest point only when (step, timestamp, value) is greater. */
  private static final String UPSERT_LATEST =
      "INSERT INTO latest_metrics (\"key\", value, timestamp, step, is_nan, run_uuid)"
          + " VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (\"key\", run_uuid) DO UPDATE SET value = excluded.value,"
          + " timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan"
          + " WHERE (excluded.step, excluded.timestamp, excluded.value)"
          + " > (latest_metrics.step, coalesce(latest_metrics.timestamp, -9223372036854775808),"
          + " latest_metrics.value)";

  private static final String INSERT_PARAM =
      "INSERT INTO params (\"key\", value, run_uuid) VALUES (?, ?, ?)";

  private static final String UPSERT_TAG =
      "INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)"
          + " ON CONFLICT (\"key\", run_uuid) DO UPDATE SET value = excluded.value";

  private BatchWriter() {}

  static void write(
      Connection c, String runId, List<Metric> metrics, List<Param> params, List<Tag> tags)
      throws SQLException {
    RunSql.requireActive(c, runId, "log to it");
    Map<String, String> newParams = newParams(c, runId, params);
    if (!metrics.isEmpty()) {
      insertMetrics(c, runId, metrics);
      updateLatest(c, runId, metrics);
    }
    if (!newParams.isEmpty()) {
      insertParams(c, runId, newParams);
    }
    if (!tags.isEmpty()) {
      upsertTags(c, runId, tags);
    }
  }

  /**
   * The params not stored yet. Fails, before anything is written, when a key comes with two values
   * or differs from the stored value.
   */
  private static Map<String, String> newParams(Connection c, String runId, List<Param> params)
      throws SQLException {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (Param p : params) {
      String earlier = wanted.putIfAbsent(p.key(), p.value());
      if (earlier != null && !earlier.equals(p.value())) {
        throw conflict(runId, p.key(), earlier, p.value(), "earlier in the same batch");
      }
    }
    if (wanted.isEmpty()) {
      return wanted;
    }
    Map<String, String> stored = new HashMap<>();
    for (List<String> chunk : Sql.chunks(new ArrayList<>(wanted.keySet()))) {
      List<Object> args = new ArrayList<>(chunk.size() + 1);
      args.add(runId);
      args.addAll(chunk);
      Sql.query(
          c,
          "SELECT \"key\", value FROM params WHERE run_uuid = ? AND \"key\" IN ("
              + Sql.marks(chunk.size())
              + ")",
          args,
          rs -> stored.put(rs.getString(1), rs.getString(2)));
    }
    Map<String, String> fresh = new LinkedHashMap<>();
    for (Map.Entry<String, String> p : wanted.entrySet()) {
      String old = stored.get(p.getKey());
      if (old == null) {
        fresh.put(p.getKey(), p.getValue());
      } else if (!old.equals(p.getValue())) {
        throw conflict(runId, p.getKey(), old, p.getValue(), "already logged");
      }
    }
    return fresh;
  }

  private static InvalidInputException conflict(
      String runId, String key, String old, String value, String where) {
    return new InvalidInputException(
        "Param '"
            + key
            + "' of run '"
            + runId
            + "' was "
            + where
            + " with value '"
            + Validation.abbreviate(old)
            + "'; it cannot change to '"
            + Validation.abbreviate(value)
            + "'. Params are immutable: log the new value under another key, or as a metric or"
            + " tag. Nothing from this batch was written.");
  }

  private static void insertMetrics(Connection c, String runId, List<Metric> metrics)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_METRIC)) {
      for (Metric m : metrics) {
        ps.setString(1, m.key());
        ps.setDouble(2, stored(m.value()));
        ps.setLong(3, m.timestamp());
        ps.setString(4, runId);
        ps.setLong(5, m.step());
        ps.setInt(6, Double.isNaN(m.value()) ? 1 : 0);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void updateLatest(Connection c, String runId, List<Metric> metrics)
      throws SQLException {
    Map<String, Metric> latest = new HashMap<>();
    for (Metric m : metrics) {
      latest.merge(m.key(), m, (a, b) -> greater(b, a) ? b : a);
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_LATEST)) {
      for (Metric m : latest.values()) {
        ps.setString(1, m.key());
        ps.setDouble(2, stored(m.value()));
        ps.setLong(3, m.timestamp());
        ps.setLong(4, m.step());
        ps.setInt(5, Double.isNaN(m.value()) ? 1 : 0);
        ps.setString(6, runId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** MLflow's order for the latest point: step, then timestamp, then (stored) value. */
  static boolean greater(Metric a, Metric b) {
    if (a.step() != b.step()) {
      return a.step() > b.step();
    }
    if (a.timestamp() != b.timestamp()) {
      return a.timestamp() > b.timestamp();
    }
    return stored(a.value()) > stored(b.value());
  }

  /** The value MLflow stores: NaN as 0 (with is_nan), infinities as the largest finite double. */
  static double stored(double value) {
    if (Double.isNaN(value)) {
      return 0;
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE;
    }
    return value;
  }

  private static void insertParams(Connection c, String runId, Map<String, String> params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_PARAM)) {
      for (Map.Entry<String, String> p : params.entrySet()) {
        ps.setString(1, p.getKey());
        ps.setString(2, p.getValue());
        ps.setString(3, runId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void upsertTags(Connection c, String runId, List<Tag> tags) throws SQLException {
    @Nullable String runName = null;
    try (PreparedStatement ps = c.prepareStatement(UPSERT_TAG)) {
      for (Tag t : tags) {
        ps.setString(1, t.key());
        ps.setString(2, t.value());
        ps.setString(3, runId);
        ps.addBatch();
        if (t.key().equals(RunSql.RUN_NAME_TAG)) {
          runName = t.value();
        }
      }
      ps.executeBatch();
    }
    if (runName != null) {
      Sql.update(c, "UPDATE runs SET name = ? WHERE run_uuid = ?", runName, runId);
    }
  }
}
