package dev.mlops.internal.store;

import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.RegisteredModel;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Bulk loading of registered models and model versions (with tags and aliases) and the existence
 * checks the registry's writes start with. Soft-deleted versions ({@code Deleted_Internal}) are
 * invisible here, as in MLflow.
 */
final class RegistrySql {

  static final String DELETED_STAGE = "Deleted_Internal";

  /** (name, version) pairs per {@code IN} list: two variables each. */
  private static final int PAIR_CHUNK = Sql.IN_CHUNK / 2;

  private RegistrySql() {}

  /** The columns of one {@code registered_models} row besides its name. */
  private record ModelRow(long created, long updated, @Nullable String description) {}

  /** One model version's identity. */
  record VersionKey(String name, int version) {}

  /** The registered model, or a {@link NotFoundException} naming it. */
  static RegisteredModel requireModel(Connection c, String name) throws SQLException {
    RegisteredModel m = models(c, List.of(name)).get(name);
    if (m == null) {
      throw missingModel(name);
    }
    return m;
  }

  /** Fails with {@link NotFoundException} unless the registered model exists. */
  static void requireModelExists(Connection c, String name) throws SQLException {
    if (!Sql.exists(c, "SELECT 1 FROM registered_models WHERE name = ?", name)) {
      throw missingModel(name);
    }
  }

  /** The version (not soft-deleted), or a {@link NotFoundException} naming it. */
  static ModelVersion requireVersion(Connection c, String name, int version) throws SQLException {
    ModelVersion v = version(c, name, version);
    if (v == null) {
      requireModelExists(c, name);
      throw new NotFoundException(
          "Registered model '"
              + name
              + "' has no version "
              + version
              + ". List its versions with searchModelVersions(\"name = '"
              + name
              + "'\").");
    }
    return v;
  }

  static @Nullable ModelVersion version(Connection c, String name, int version)
      throws SQLException {
    VersionKey key = new VersionKey(name, version);
    return versions(c, List.of(key)).get(key);
  }

  private static NotFoundException missingModel(String name) {
    return new NotFoundException(
        "No registered model named '"
            + name
            + "'. Create it with createRegisteredModel(\""
            + name
            + "\") or check the name.");
  }

  /** Registered models with tags and aliases, keyed by name. */
  static Map<String, RegisteredModel> models(Connection c, List<String> names) throws SQLException {
    Map<String, ModelRow> rows = new HashMap<>();
    Map<String, Map<String, String>> tags = new HashMap<>();
    Map<String, Map<String, Integer>> aliases = new HashMap<>();
    for (List<String> chunk : Sql.chunks(names)) {
      String in = Sql.marks(chunk.size());
      Sql.query(
          c,
          "SELECT name, creation_time, last_updated_time, description FROM registered_models"
              + " WHERE name IN ("
              + in
              + ")",
          chunk,
          rs -> {
            Long created = Sql.nullableLong(rs, "creation_time");
            Long updated = Sql.nullableLong(rs, "last_updated_time");
            rows.put(
                rs.getString("name"),
                new ModelRow(
                    created == null ? 0L : created,
                    updated == null ? (created == null ? 0L : created) : updated,
                    rs.getString("description")));
          });
      Sql.query(
          c,
          "SELECT name, \"key\", value FROM registered_model_tags WHERE name IN (" + in + ")",
          chunk,
          rs ->
              tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), Sql.string(rs, "value", "")));
      Sql.query(
          c,
          "SELECT name, alias, version FROM registered_model_aliases WHERE name IN (" + in + ")",
          chunk,
          rs ->
              aliases
                  .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                  .put(rs.getString(2), rs.getInt(3)));
    }
    Map<String, RegisteredModel> result = new LinkedHashMap<>();
    for (String name : names) {
      ModelRow row = rows.get(name);
      if (row != null) {
        result.put(
            name,
            new RegisteredModel(
                name,
                row.created(),
                row.updated(),
                row.description(),
                tags.getOrDefault(name, Map.of()),
                aliases.getOrDefault(name, Map.of())));
      }
    }
    return result;
  }

  /** Model versions (not soft-deleted) with tags and aliases, keyed and ordered as {@code keys}. */
  static Map<VersionKey, ModelVersion> versions(Connection c, List<VersionKey> keys)
      throws SQLException {
    Map<VersionKey, ModelVersion> bare = new HashMap<>();
    Map<VersionKey, Map<String, String>> tags = new HashMap<>();
    Map<VersionKey, List<String>> aliases = new HashMap<>();
    for (int from = 0; from < keys.size(); from += PAIR_CHUNK) {
      List<VersionKey> chunk = keys.subList(from, Math.min(keys.size(), from + PAIR_CHUNK));
      String in = pairs(chunk.size());
      List<Object> args = new ArrayList<>();
      for (VersionKey k : chunk) {
        args.add(k.name());
        args.add(k.version());
      }
      Sql.query(
          c,
          "SELECT * FROM model_versions WHERE (name, version) IN ("
              + in
              + ") AND coalesce(current_stage, 'None') != '"
              + DELETED_STAGE
              + "'",
          args,
          rs -> bare.put(new VersionKey(rs.getString("name"), rs.getInt("version")), read(rs)));
      Sql.query(
          c,
          "SELECT name, version, \"key\", value FROM model_version_tags"
              + " WHERE (name, version) IN ("
              + in
              + ")",
          args,
          rs ->
              tags.computeIfAbsent(
                      new VersionKey(rs.getString(1), rs.getInt(2)), k -> new HashMap<>())
                  .put(rs.getString(3), Sql.string(rs, "value", "")));
      Sql.query(
          c,
          "SELECT name, version, alias FROM registered_model_aliases"
              + " WHERE (name, version) IN ("
              + in
              + ") ORDER BY alias",
          args,
          rs ->
              aliases
                  .computeIfAbsent(
                      new VersionKey(rs.getString(1), rs.getInt(2)), k -> new ArrayList<>())
                  .add(rs.getString(3)));
    }
    Map<VersionKey, ModelVersion> result = new LinkedHashMap<>();
    for (VersionKey k : keys) {
      ModelVersion v = bare.get(k);
      if (v != null) {
        result.put(
            k,
            new ModelVersion(
                v.name(),
                v.version(),
                v.creationTimestamp(),
                v.lastUpdatedTimestamp(),
                v.description(),
                v.source(),
                v.runId(),
                v.status(),
                v.stage(),
                tags.getOrDefault(k, Map.of()),
                aliases.getOrDefault(k, List.of())));
      }
    }
    return result;
  }

  /** Every visible version of {@code name}, by version number. */
  static List<ModelVersion> allVersions(Connection c, String name) throws SQLException {
    List<VersionKey> keys = new ArrayList<>();
    Sql.query(
        c,
        "SELECT version FROM model_versions WHERE name = ? AND coalesce(current_stage, 'None')"
            + " != '"
            + DELETED_STAGE
            + "' ORDER BY version",
        List.of(name),
        rs -> keys.add(new VersionKey(name, rs.getInt(1))));
    return new ArrayList<>(versions(c, keys).values());
  }

  /** The newest version in each of {@code stages}, in the order of {@link ModelStage}. */
  static List<ModelVersion> latest(List<ModelVersion> versions, List<ModelStage> stages) {
    List<ModelStage> wanted = stages.isEmpty() ? List.of(ModelStage.values()) : stages;
    Map<ModelStage, ModelVersion> newest = new TreeMap<>();
    for (ModelVersion v : versions) {
      if (wanted.contains(v.stage())) {
        newest.merge(v.stage(), v, (a, b) -> a.version() >= b.version() ? a : b);
      }
    }
    return new ArrayList<>(newest.values());
  }

  private static String pairs(int n) {
    StringBuilder sb = new StringBuilder("VALUES ");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    return sb.toString();
  }

  private static ModelVersion read(ResultSet rs) throws SQLException {
    Long created = Sql.nullableLong(rs, "creation_time");
    Long updated = Sql.nullableLong(rs, "last_updated_time");
    long creation = created == null ? 0 : created;
    return new ModelVersion(
        rs.getString("name"),
        rs.getInt("version"),
        creation,
        updated == null ? creation : updated,
        rs.getString("description"),
        Sql.string(rs, "source", ""),
        rs.getString("run_id"),
        Sql.string(rs, "status", "READY"),
        ModelStage.fromWire(Sql.string(rs, "current_stage", "None")),
        Map.of(),
        List.of());
  }
}
