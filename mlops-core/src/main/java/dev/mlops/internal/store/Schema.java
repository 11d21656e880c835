package dev.mlops.internal.store;

import dev.mlops.MlopsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's SQL schema: creates it in a new database file and checks the revision and the tables of
 * an existing one. The DDL is {@code schema.sql} beside this class; see {@code SCHEMA_NOTES.md}.
 */
final class Schema {

  /** The alembic revision {@code schema.sql} matches. */
  static final String REVISION = "bda7b8c39065";

  /** The MLflow release line whose head revision is {@link #REVISION}. */
  static final String MLFLOW_VERSION = "3.1.x";

  /** Known alembic heads and the MLflow release that ships them. */
  private static final Map<String, String> MLFLOW_VERSION_OF_REVISION =
      Map.of(REVISION, MLFLOW_VERSION, "cbc13b556ace", "3.2.x");

  /** Every table and column this store reads or writes. */
  private static final Map<String, List<String>> REQUIRED = requiredColumns();

  private Schema() {}

  /**
   * Makes {@code c}'s database usable: creates the schema, the alembic row and the Default
   * experiment when the file is new, else checks the revision and the tables. Runs inside the
   * caller's write transaction.
   */
  static SchemaCheck ensure(Connection c, String defaultArtifactRoot) throws SQLException {
    Set<String> tables = tables(c);
    boolean created = false;
    if (!tables.contains("experiments")) {
      if (!tables.isEmpty() && !tables.contains("alembic_version")) {
        throw new MlopsException(
            "The SQLite file already holds tables that are not an MLflow store ("
                + String.join(", ", tables)
                + "): point the tracking URI at a new file or an MLflow database.");
      }
      create(c);
      created = true;
      tables = tables(c);
    }
    @Nullable String revision = revision(c, tables);
    List<String> missing = missing(c, tables);
    if (!missing.isEmpty()) {
      throw new MlopsException(
          "The SQLite database is at schema revision "
              + describe(revision)
              + " and lacks "
              + String.join(", ", missing)
              + ". This SDK needs MLflow's schema revision "
              + REVISION
              + " (MLflow "
              + MLFLOW_VERSION
              + "): run 'mlflow db upgrade <uri>' with MLflow "
              + MLFLOW_VERSION
              + ", or use a new file.");
    }
    insertDefaultExperimentIfEmpty(c, defaultArtifactRoot);
    return new SchemaCheck(created, revision);
  }

  /** What {@link #ensure} found; {@link #report} logs what a user should know. */
  record SchemaCheck(boolean created, @Nullable String revision) {

    void report(Path file) {
      Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
      if (created) {
        log.info("Created MLflow {} store schema in {}", MLFLOW_VERSION, file);
      } else if (!REVISION.equals(revision)) {
        log.warn(
            "SQLite database {} is at schema revision {}, not {} (MLflow {}) which this SDK"
                + " writes. Continuing because every table and column it uses is present; open it"
                + " from Python with the MLflow version that matches its revision.",
            file,
            describe(revision),
            REVISION,
            MLFLOW_VERSION);
      }
    }
  }

  static String describe(@Nullable String revision) {
    if (revision == null) {
      return "'(none)' (no alembic_version row)";
    }
    String version = MLFLOW_VERSION_OF_REVISION.get(revision);
    return "'"
        + revision
        + "' ("
        + (version == null ? "an MLflow release this SDK does not know" : "MLflow " + version)
        + ")";
  }

  private static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : statements()) {
        s.executeUpdate(ddl);
      }
      s.executeUpdate("DELETE FROM alembic_version");
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO alembic_version (version_num) VALUES (?)")) {
      ps.setString(1, REVISION);
      ps.executeUpdate();
    }
  }

  private static void insertDefaultExperimentIfEmpty(Connection c, String root)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM experiments")) {
      if (rs.next() && rs.getLong(1) > 0) {
        return;
      }
    }
    long now = System.currentTimeMillis();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
                + " creation_time, last_update_time) VALUES (0, 'Default', ?, 'active', ?, ?)")) {
      ps.setString(1, ArtifactLocations.append(root, "0"));
      ps.setLong(2, now);
      ps.setLong(3, now);
      ps.executeUpdate();
    }
  }

  private static @Nullable String revision(Connection c, Set<String> tables) throws SQLException {
    if (!tables.contains("alembic_version")) {
      return null;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version_num FROM alembic_version")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static List<String> missing(Connection c, Set<String> tables) throws SQLException {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : REQUIRED.entrySet()) {
      String table = e.getKey();
      if (!tables.contains(table)) {
        missing.add("table " + table);
        continue;
      }
      Set<String> columns = new TreeSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
        while (rs.next()) {
          columns.add(rs.getString("name"));
        }
      }
      for (String column : e.getValue()) {
        if (!columns.contains(column)) {
          missing.add("column " + table + "." + column);
        }
      }
    }
    return missing;
  }

  private static Set<String> tables(Connection c) throws SQLException {
    Set<String> tables = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  /** The statements of {@code schema.sql}. */
  static List<String> statements() {
    String text;
    try (InputStream in = Schema.class.getResourceAsStream("schema.sql")) {
      if (in == null) {
        throw new MlopsException(
            "schema.sql is missing from the mlops-core jar: the jar is damaged, re-download it.");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MlopsException("Cannot read schema.sql from the mlops-core jar: " + e, e);
    }
    List<String> statements = new ArrayList<>();
    for (String part : text.split(";")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }

  private static Map<String, List<String>> requiredColumns() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(
        "experiments",
        List.of(
            "experiment_id",
            "name",
            "artifact_location",
            "lifecycle_stage",
            "creation_time",
            "last_update_time"));
    m.put("experiment_tags", List.of("key", "value", "experiment_id"));
    m.put(
        "runs",
        List.of(
            "run_uuid",
            "name",
            "source_type",
            "source_name",
            "entry_point_name",
            "user_id",
            "status",
            "start_time",
            "end_time",
            "source_version",
            "lifecycle_stage",
            "artifact_uri",
            "experiment_id",
            "deleted_time"));
    m.put("tags", List.of("key", "value", "run_uuid"));
    m.put("params", List.of("key", "value", "run_uuid"));
    m.put("metrics", List.of("key", "value", "timestamp", "run_uuid", "step", "is_nan"));
    m.put("latest_metrics", List.of("key", "value", "timestamp", "step", "is_nan", "run_uuid"));
    m.put(
        "registered_models", List.of("name", "creation_time", "last_updated_time", "description"));
    m.put("registered_model_tags", List.of("key", "value", "name"));
    m.put(
        "model_versions",
        List.of(
            "name",
            "version",
            "creation_time",
            "last_updated_time",
            "description",
            "user_id",
            "current_stage",
            "source",
            "run_id",
            "status",
            "status_message",
            "run_link",
            "storage_location"));
    m.put("model_version_tags", List.of("key", "value", "name", "version"));
    m.put("registered_model_aliases", List.of("alias", "version", "name"));
    return Collections.unmodifiableMap(m);
  }
}
