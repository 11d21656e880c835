package dev.mlops.internal.store;

import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.NotFoundException;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunStatus;
import dev.mlops.spi.NewRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The SQL behind runs, run tags and bulk run loading, run inside the caller's transaction. */
final class RunSql {

  static final String RUN_NAME_TAG = "mlflow.runName";
  static final String PARENT_RUN_TAG = "mlflow.parentRunId";

  private RunSql() {}

  /** Creates a run as MLflow's {@code create_run} does and returns its info. */
  static RunInfo create(Connection c, NewRun run) throws SQLException {
    Experiment experiment =
        ExperimentSql.requireActive(c, run.experimentId(), "create a run in it");
    String runId = UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    String artifactUri =
        ArtifactLocations.append(experiment.artifactLocation(), runId, "artifacts");
    Sql.update(
        c,
        "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id,"
            + " status, start_time, end_time, source_version, lifecycle_stage, artifact_uri,"
            + " experiment_id, deleted_time) VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?,"
            + " NULL, '', 'active', ?, ?, NULL)",
        runId,
        run.runName(),
        run.userId(),
        run.startTime(),
        artifactUri,
        Long.parseLong(experiment.experimentId()));
    Map<String, String> tags = new LinkedHashMap<>(run.tags());
    tags.put(RUN_NAME_TAG, run.runName());
    if (run.parentRunId() != null) {
      tags.putIfAbsent(PARENT_RUN_TAG, run.parentRunId());
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        Sql.bind(ps, tag.getKey(), tag.getValue(), runId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return new RunInfo(
        runId,
        experiment.experimentId(),
        run.runName(),
        RunStatus.RUNNING,
        run.startTime(),
        null,
        artifactUri,
        LifecycleStage.ACTIVE,
        run.userId());
  }

  /** The run's lifecycle stage, or a {@link NotFoundException} naming the id. */
  static LifecycleStage requireStage(Connection c, String runId) throws SQLException {
    String stage = Sql.string(c, "SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", runId);
    if (stage == null) {
      throw new NotFoundException(
          "No run with id '" + runId + "' exists. Check the id, or search runs to find it.");
    }
    return LifecycleStage.fromWire(stage);
  }

  /** Fails unless the run exists ({@link NotFoundException}) and is active. */
  static void requireActive(Connection c, String runId, String action) throws SQLException {
    if (requireStage(c, runId) != LifecycleStage.ACTIVE) {
      throw new InvalidInputException(
          "Cannot "
              + action
              + ": run '"
              + runId
              + "' is deleted. Restore it with restoreRun(\""
              + runId
              + "\") first.");
    }
  }

  static void update(
      Connection c,
      String runId,
      RunStatus status,
      @Nullable Long endTime,
      @Nullable String runName)
      throws SQLException {
    requireActive(c, runId, "update it");
    Sql.update(
        c,
        "UPDATE runs SET status = ?, end_time = coalesce(?, end_time), name = coalesce(?, name)"
            + " WHERE run_uuid = ?",
        status.name(),
        endTime,
        runName,
        runId);
    if (runName != null) {
      setTag(c, runId, RUN_NAME_TAG, runName);
    }
  }

  static void setStage(Connection c, String runId, LifecycleStage stage, long now)
      throws SQLException {
    requireStage(c, runId);
    Sql.update(
        c,
        "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",
        stage.wireName(),
        stage == LifecycleStage.DELETED ? now : null,
        runId);
  }

  static void setTag(Connection c, String runId, String key, String value) throws SQLException {
    Sql.update(
        c,
        "INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)"
            + " ON CONFLICT (\"key\", run_uuid) DO UPDATE SET value = excluded.value",
        key,
        value,
        runId);
  }

  static void deleteTag(Connection c, String runId, String key) throws SQLException {
    requireActive(c, runId, "delete tag '" + key + "'");
    int n = Sql.update(c, "DELETE FROM tags WHERE run_uuid = ? AND \"key\" = ?", runId, key);
    if (n == 0) {
      throw new NotFoundException(
          "Run '" + runId + "' has no tag '" + key + "': nothing to delete.");
    }
  }

  /** Loads runs with params, latest metrics and tags, in the order of {@code runIds}. */
  static List<Run> load(Connection c, List<String> runIds) throws SQLException {
    Map<String, RunInfo> infos = new HashMap<>();
    Map<String, Map<String, String>> params = new HashMap<>();
    Map<String, Map<String, String>> tags = new HashMap<>();
    Map<String, Map<String, Metric>> metrics = new HashMap<>();
    for (List<String> chunk : Sql.chunks(runIds)) {
      String in = Sql.marks(chunk.size());
      Sql.query(
          c,
          "SELECT run_uuid, experiment_id, name, status, start_time, end_time, artifact_uri,"
              + " lifecycle_stage, user_id FROM runs WHERE run_uuid IN ("
              + in
              + ")",
          chunk,
          rs -> infos.put(rs.getString("run_uuid"), info(rs)));
      Sql.query(
          c,
          "SELECT run_uuid, \"key\", value FROM params WHERE run_uuid IN (" + in + ")",
          chunk,
          rs ->
              params
                  .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), Sql.string(rs, "value", "")));
      Sql.query(
          c,
          "SELECT run_uuid, \"key\", value FROM tags WHERE run_uuid IN (" + in + ")",
          chunk,
          rs ->
              tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), Sql.string(rs, "value", "")));
      Sql.query(
          c,
          "SELECT run_uuid, \"key\", value, timestamp, step, is_nan FROM latest_metrics"
              + " WHERE run_uuid IN ("
              + in
              + ")",
          chunk,
          rs -> {
            String key = rs.getString(2);
            double value = rs.getInt(6) != 0 ? Double.NaN : rs.getDouble(3);
            metrics
                .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                .put(key, new Metric(key, value, rs.getLong(4), rs.getLong(5)));
          });
    }
    List<Run> runs = new ArrayList<>(runIds.size());
    for (String id : runIds) {
      RunInfo info = infos.get(id);
      if (info == null) {
        continue;
      }
      Map<String, String> runTags = tags.getOrDefault(id, Map.of());
      if (info.runName().isEmpty() && runTags.containsKey(RUN_NAME_TAG)) {
        info = withName(info, runTags.get(RUN_NAME_TAG));
      }
      runs.add(
          new Run(
              info,
              params.getOrDefault(id, Map.of()),
              metrics.getOrDefault(id, Map.of()),
              runTags));
    }
    return runs;
  }

  private static RunInfo info(ResultSet rs) throws SQLException {
    Long start = Sql.nullableLong(rs, "start_time");
    return new RunInfo(
        rs.getString("run_uuid"),
        Sql.string(rs, "experiment_id", ""),
        Sql.string(rs, "name", ""),
        RunStatus.fromWire(Sql.string(rs, "status", "RUNNING")),
        start == null ? 0 : start,
        Sql.nullableLong(rs, "end_time"),
        Sql.string(rs, "artifact_uri", ""),
        LifecycleStage.fromWire(Sql.string(rs, "lifecycle_stage", "active")),
        Sql.string(rs, "user_id", ""));
  }

  private static RunInfo withName(RunInfo i, String name) {
    return new RunInfo(
        i.runId(),
        i.experimentId(),
        name,
        i.status(),
        i.startTime(),
        i.endTime(),
        i.artifactUri(),
        i.lifecycleStage(),
        i.userId());
  }
}
