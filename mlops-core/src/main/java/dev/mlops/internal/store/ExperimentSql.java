package dev.mlops.internal.store;

import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.NotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** The SQL behind experiments and their tags, run inside the caller's transaction. */
final class ExperimentSql {

  private static final String COLUMNS =
      "experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time";

  private ExperimentSql() {}

  /** The numeric id, or empty when {@code experimentId} cannot be an experiment id here. */
  static OptionalLong parseId(String experimentId) {
    try {
      return OptionalLong.of(Long.parseLong(experimentId.trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The experiment, or a {@link NotFoundException} naming the id. */
  static Experiment require(Connection c, String experimentId) throws SQLException {
    OptionalLong id = parseId(experimentId);
    if (id.isPresent()) {
      Experiment e = load(c, List.of(id.getAsLong())).get(id.getAsLong());
      if (e != null) {
        return e;
      }
    }
    throw new NotFoundException(
        "No experiment with id '"
            + experimentId
            + "' exists. List experiments with searchExperiments() or create it first.");
  }

  /** The experiment, which must be active, else {@link InvalidInputException}. */
  static Experiment requireActive(Connection c, String experimentId, String action)
      throws SQLException {
    Experiment e = require(c, experimentId);
    if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw new InvalidInputException(
          "Cannot "
              + action
              + ": experiment '"
              + e.name()
              + "' (id "
              + experimentId
              + ") is deleted. Restore it with restoreExperiment(\""
              + experimentId
              + "\") first.");
    }
    return e;
  }

  /** Loads experiments with their tags, keyed by id, in the order of {@code ids}. */
  static Map<Long, Experiment> load(Connection c, List<Long> ids) throws SQLException {
    Map<Long, Row> rows = new HashMap<>();
    Map<Long, Map<String, String>> tags = new HashMap<>();
    for (List<Long> chunk : Sql.chunks(ids)) {
      String in = Sql.marks(chunk.size());
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT " + COLUMNS + " FROM experiments WHERE experiment_id IN (" + in + ")")) {
        Sql.bind(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put(rs.getLong("experiment_id"), Row.read(rs));
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT experiment_id, \"key\", value FROM experiment_tags"
                  + " WHERE experiment_id IN ("
                  + in
                  + ")")) {
        Sql.bind(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            tags.computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .put(rs.getString(2), Sql.string(rs, "value", ""));
          }
        }
      }
    }
    Map<Long, Experiment> result = new LinkedHashMap<>();
    for (Long id : ids) {
      Row row = rows.get(id);
      if (row != null) {
        result.put(id, row.toExperiment(tags.getOrDefault(id, Map.of())));
      }
    }
    return result;
  }

  /** The experiment called {@code name}, active or deleted. */
  static @Nullable Experiment byName(Connection c, String name) throws SQLException {
    String id = Sql.string(c, "SELECT experiment_id FROM experiments WHERE name = ?", name);
    return id == null ? null : load(c, List.of(Long.parseLong(id))).get(Long.parseLong(id));
  }

  /** Creates an experiment and returns its id. */
  static String create(
      Connection c,
      String name,
      @Nullable String artifactLocation,
      String artifactRoot,
      Map<String, String> tags,
      long now)
      throws SQLException {
    rejectTakenName(c, name);
    Sql.update(
        c,
        "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,"
            + " last_update_time) VALUES (?, ?, 'active', ?, ?)",
        name,
        artifactLocation,
        now,
        now);
    long id = Long.parseLong(String.valueOf(Sql.string(c, "SELECT last_insert_rowid()")));
    if (artifactLocation == null) {
      Sql.update(
          c,
          "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
          ArtifactLocations.append(artifactRoot, Long.toString(id)),
          id);
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      setTag(c, id, tag.getKey(), tag.getValue());
    }
    return Long.toString(id);
  }

  static void rename(Connection c, String experimentId, String newName, long now)
      throws SQLException {
    Experiment e = requireActive(c, experimentId, "rename it");
    if (e.name().equals(newName)) {
      return;
    }
    rejectTakenName(c, newName);
    Sql.update(
        c,
        "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
        newName,
        now,
        Long.parseLong(e.experimentId()));
  }

  /** Soft-deletes the experiment and, as MLflow does, every run in it. */
  static void delete(Connection c, String experimentId, long now) throws SQLException {
    Experiment e = require(c, experimentId);
    if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw new NotFoundException(
          "Experiment '"
              + e.name()
              + "' (id "
              + experimentId
              + ") is already deleted; restore it with restoreExperiment(\""
              + experimentId
              + "\") if you need it.");
    }
    long id = Long.parseLong(e.experimentId());
    setStage(c, id, "deleted", now);
    Sql.update(
        c,
        "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ?",
        now,
        id);
  }

  /** Restores the experiment and, as MLflow does, every run in it. */
  static void restore(Connection c, String experimentId, long now) throws SQLException {
    Experiment e = require(c, experimentId);
    if (e.lifecycleStage() != LifecycleStage.DELETED) {
      throw new NotFoundException(
          "Experiment '"
              + e.name()
              + "' (id "
              + experimentId
              + ") is not deleted, so there is nothing to restore.");
    }
    long id = Long.parseLong(e.experimentId());
    setStage(c, id, "active", now);
    Sql.update(
        c,
        "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ?",
        id);
  }

  static void setTag(Connection c, long experimentId, String key, String value)
      throws SQLException {
    Sql.update(
        c,
        "INSERT INTO experiment_tags (\"key\", value, experiment_id) VALUES (?, ?, ?)"
            + " ON CONFLICT (\"key\", experiment_id) DO UPDATE SET value = excluded.value",
        key,
        value,
        experimentId);
  }

  /** The ids a search plan selected, in order. */
  static List<Long> ids(List<String> ids) {
    List<Long> result = new ArrayList<>(ids.size());
    for (String id : ids) {
      result.add(Long.parseLong(id));
    }
    return result;
  }

  private static void setStage(Connection c, long id, String stage, long now) throws SQLException {
    Sql.update(
        c,
        "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
        stage,
        now,
        id);
  }

  private static void rejectTakenName(Connection c, String name) throws SQLException {
    String stage = Sql.string(c, "SELECT lifecycle_stage FROM experiments WHERE name = ?", name);
    if (stage != null) {
      throw new AlreadyExistsException(
          "An experiment named '"
              + name
              + "' already exists"
              + ("deleted".equals(stage)
                  ? " in the deleted state: restore it with restoreExperiment(...) or"
                      + " choose another name."
                  : ": use getExperimentByName(...) or choose another name."));
    }
  }

  /** One row of {@code experiments}. */
  private record Row(
      long id,
      String name,
      String artifactLocation,
      LifecycleStage stage,
      long creationTime,
      long lastUpdateTime) {

    static Row read(ResultSet rs) throws SQLException {
      Long created = Sql.nullableLong(rs, "creation_time");
      Long updated = Sql.nullableLong(rs, "last_update_time");
      return new Row(
          rs.getLong("experiment_id"),
          rs.getString("name"),
          Sql.string(rs, "artifact_location", ""),
          LifecycleStage.fromWire(Sql.string(rs, "lifecycle_stage", "active")),
          created == null ? 0 : created,
          updated == null ? (created == null ? 0 : created) : updated);
    }

    Experiment toExperiment(Map<String, String> tags) {
      return new Experiment(
          Long.toString(id), name, artifactLocation, stage, tags, creationTime, lastUpdateTime);
    }
  }
}
