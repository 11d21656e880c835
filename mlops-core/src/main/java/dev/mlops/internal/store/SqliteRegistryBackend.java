package dev.mlops.internal.store;

import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.internal.search.Plan;
import dev.mlops.internal.search.SqlSearch;
import dev.mlops.internal.store.RegistrySql.VersionKey;
import dev.mlops.spi.RegistryBackend;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The embedded store's {@link RegistryBackend}: registered models, versions, tags, aliases and
 * legacy stages in the same MLflow-compatible SQLite file as the runs, with MLflow's semantics
 * (version numbers never reused, soft-deleted versions hidden, stage archiving).
 *
 * <p>Thread-safe. Made by {@link EmbeddedStoreProvider}; closing it leaves the shared database
 * open.
 */
public final class SqliteRegistryBackend implements RegistryBackend {

  private final SqliteDatabase db;

  public SqliteRegistryBackend(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags) {
    return db.inTransaction(
        c -> {
          if (Sql.exists(c, "SELECT 1 FROM registered_models WHERE name = ?", name)) {
            throw new AlreadyExistsException(
                "A registered model named '"
                    + name
                    + "' already exists: register a new version of it, or choose another name.");
          }
          long now = now();
          Sql.update(
              c,
              "INSERT INTO registered_models (name, creation_time, last_updated_time, description)"
                  + " VALUES (?, ?, ?, ?)",
              name,
              now,
              now,
              description);
          for (Map.Entry<String, String> tag : tags.entrySet()) {
            setModelTag(c, name, tag.getKey(), tag.getValue());
          }
          return RegistrySql.requireModel(c, name);
        });
  }

  @Override
  public Optional<RegisteredModel> getRegisteredModel(String name) {
    return db.read(c -> Optional.ofNullable(RegistrySql.models(c, List.of(name)).get(name)));
  }

  @Override
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    return db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          if (name.equals(newName)) {
            return RegistrySql.requireModel(c, name);
          }
          if (Sql.exists(c, "SELECT 1 FROM registered_models WHERE name = ?", newName)) {
            throw new AlreadyExistsException(
                "Cannot rename registered model '"
                    + name
                    + "' to '"
                    + newName
                    + "': a model with that name exists. Choose another name.");
          }
          rename(c, name, newName, now());
          return RegistrySql.requireModel(c, newName);
        });
  }

  /**
   * Renames the model and every row that names it. Foreign keys are checked at commit, so this
   * works whether or not the file's schema cascades updates.
   */
  private static void rename(Connection c, String name, String newName, long now)
      throws SQLException {
    Sql.update(c, "PRAGMA defer_foreign_keys = ON");
    Sql.update(
        c,
        "UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?",
        newName,
        now,
        name);
    Sql.update(
        c,
        "UPDATE model_versions SET name = ?, last_updated_time = ? WHERE name IN (?, ?)",
        newName,
        now,
        name,
        newName);
    for (String table :
        List.of("model_version_tags", "registered_model_tags", "registered_model_aliases")) {
      Sql.update(c, "UPDATE " + table + " SET name = ? WHERE name = ?", newName, name);
    }
  }

  @Override
  public RegisteredModel updateRegisteredModel(String name, @Nullable String description) {
    return db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          Sql.update(
              c,
              "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?",
              description,
              now(),
              name);
          return RegistrySql.requireModel(c, name);
        });
  }

  @Override
  public void deleteRegisteredModel(String name) {
    db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          for (String table :
              List.of(
                  "model_version_tags",
                  "registered_model_aliases",
                  "model_versions",
                  "registered_model_tags",
                  "registered_models")) {
            Sql.update(c, "DELETE FROM " + table + " WHERE name = ?", name);
          }
          return null;
        });
  }

  @Override
  public void setRegisteredModelTag(String name, String key, String value) {
    db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          setModelTag(c, name, key, value);
          return null;
        });
  }

  @Override
  public void deleteRegisteredModelTag(String name, String key) {
    db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          Sql.update(
              c, "DELETE FROM registered_model_tags WHERE name = ? AND \"key\" = ?", name, key);
          return null;
        });
  }

  @Override
  public Page<RegisteredModel> searchRegisteredModels(SearchQuery query) {
    Plan plan = SqlSearch.registeredModels(query);
    return db.read(
        c -> {
          List<String> names = new ArrayList<>();
          Sql.query(c, plan.sql(), plan.params(), rs -> names.add(rs.getString(1)));
          Page<String> page = plan.page(names);
          return new Page<>(
              new ArrayList<>(RegistrySql.models(c, page.items()).values()), page.nextPageToken());
        });
  }

  @Override
  public ModelVersion createModelVersion(
      String name,
      String source,
      String storageLocation,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags) {
    return db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          String max =
              Sql.string(
                  c, "SELECT coalesce(max(version), 0) FROM model_versions WHERE name = ?", name);
          int version = Integer.parseInt(String.valueOf(max)) + 1;
          long now = now();
          Sql.update(
              c,
              "INSERT INTO model_versions (name, version, creation_time, last_updated_time,"
                  + " description, user_id, current_stage, source, run_id, status, status_message,"
                  + " run_link, storage_location) VALUES (?, ?, ?, ?, ?, NULL, 'None', ?, ?,"
                  + " 'READY', NULL, NULL, ?)",
              name,
              version,
              now,
              now,
              description,
              source,
              runId,
              storageLocation);
          for (Map.Entry<String, String> tag : tags.entrySet()) {
            setVersionTag(c, name, version, tag.getKey(), tag.getValue());
          }
          touchModel(c, name, now);
          return RegistrySql.requireVersion(c, name, version);
        });
  }

  @Override
  public Optional<ModelVersion> getModelVersion(String name, int version) {
    return db.read(c -> Optional.ofNullable(RegistrySql.version(c, name, version)));
  }

  @Override
  public String getModelVersionDownloadUri(String name, int version) {
    return db.read(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          String location =
              Sql.string(
                  c,
                  "SELECT coalesce(storage_location, source) FROM model_versions"
                      + " WHERE name = ? AND version = ?",
                  name,
                  version);
          return location == null ? "" : location;
        });
  }

  @Override
  public ModelVersion updateModelVersion(String name, int version, @Nullable String description) {
    return db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          Sql.update(
              c,
              "UPDATE model_versions SET description = ?, last_updated_time = ?"
                  + " WHERE name = ? AND version = ?",
              description,
              now(),
              name,
              version);
          return RegistrySql.requireVersion(c, name, version);
        });
  }

  /** Soft-deletes as MLflow does: the number stays taken, the row is redacted and hidden. */
  @Override
  public void deleteModelVersion(String name, int version) {
    db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          long now = now();
          Sql.update(
              c,
              "DELETE FROM registered_model_aliases WHERE name = ? AND version = ?",
              name,
              version);
          Sql.update(
              c,
              "UPDATE model_versions SET current_stage = ?, last_updated_time = ?,"
                  + " description = NULL, user_id = NULL, status_message = NULL,"
                  + " source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID',"
                  + " run_link = 'REDACTED-RUN-LINK' WHERE name = ? AND version = ?",
              RegistrySql.DELETED_STAGE,
              now,
              name,
              version);
          touchModel(c, name, now);
          return null;
        });
  }

  @Override
  public void setModelVersionTag(String name, int version, String key, String value) {
    db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          setVersionTag(c, name, version, key, value);
          return null;
        });
  }

  @Override
  public void deleteModelVersionTag(String name, int version, String key) {
    db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          Sql.update(
              c,
              "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND \"key\" = ?",
              name,
              version,
              key);
          return null;
        });
  }

  @Override
  public Page<ModelVersion> searchModelVersions(SearchQuery query) {
    Plan plan = SqlSearch.modelVersions(query);
    return db.read(
        c -> {
          List<VersionKey> keys = new ArrayList<>();
          Sql.query(
              c,
              plan.sql(),
              plan.params(),
              rs -> keys.add(new VersionKey(rs.getString(1), rs.getInt(2))));
          Page<VersionKey> page = plan.page(keys);
          return new Page<>(
              new ArrayList<>(RegistrySql.versions(c, page.items()).values()),
              page.nextPageToken());
        });
  }

  @Override
  public void setAlias(String name, String alias, int version) {
    db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          Sql.update(
              c,
              "INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)"
                  + " ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
              alias,
              version,
              name);
          return null;
        });
  }

  @Override
  public void deleteAlias(String name, String alias) {
    db.inTransaction(
        c -> {
          RegistrySql.requireModelExists(c, name);
          Sql.update(
              c, "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?", name, alias);
          return null;
        });
  }

  @Override
  public Optional<ModelVersion> getModelVersionByAlias(String name, String alias) {
    return db.read(
        c -> {
          String version =
              Sql.string(
                  c,
                  "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?",
                  name,
                  alias);
          return version == null
              ? Optional.empty()
              : Optional.ofNullable(RegistrySql.version(c, name, Integer.parseInt(version)));
        });
  }

  @Override
  public ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    if (archiveExistingVersions && stage != ModelStage.STAGING && stage != ModelStage.PRODUCTION) {
      throw new InvalidInputException(
          "archiveExistingVersions can only be used when moving to Staging or Production, not to "
              + stage.wireName()
              + ". Call it with archiveExistingVersions = false.");
    }
    return db.inTransaction(
        c -> {
          RegistrySql.requireVersion(c, name, version);
          long now = now();
          if (archiveExistingVersions) {
            Sql.update(
                c,
                "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?"
                    + " WHERE name = ? AND version != ? AND current_stage = ?",
                now,
                name,
                version,
                stage.wireName());
          }
          Sql.update(
              c,
              "UPDATE model_versions SET current_stage = ?, last_updated_time = ?"
                  + " WHERE name = ? AND version = ?",
              stage.wireName(),
              now,
              name,
              version);
          touchModel(c, name, now);
          return RegistrySql.requireVersion(c, name, version);
        });
  }

  @Override
  public List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages) {
    return db.read(
        c -> {
          RegistrySql.requireModelExists(c, name);
          return RegistrySql.latest(RegistrySql.allVersions(c, name), stages);
        });
  }

  /** Nothing to release: the database belongs to the {@code Mlops} that shares it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "SqliteRegistryBackend[" + db.file() + "]";
  }

  private static void setModelTag(Connection c, String name, String key, String value)
      throws SQLException {
    Sql.update(
        c,
        "INSERT INTO registered_model_tags (\"key\", value, name) VALUES (?, ?, ?)"
            + " ON CONFLICT (\"key\", name) DO UPDATE SET value = excluded.value",
        key,
        value,
        name);
  }

  private static void setVersionTag(
      Connection c, String name, int version, String key, String value) throws SQLException {
    Sql.update(
        c,
        "INSERT INTO model_version_tags (\"key\", value, name, version) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (\"key\", name, version) DO UPDATE SET value = excluded.value",
        key,
        value,
        name,
        version);
  }

  private static void touchModel(Connection c, String name, long now) throws SQLException {
    Sql.update(c, "UPDATE registered_models SET last_updated_time = ? WHERE name = ?", now, name);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
