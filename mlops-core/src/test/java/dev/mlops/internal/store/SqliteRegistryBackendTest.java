package dev.mlops.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SqliteRegistryBackend")
class SqliteRegistryBackendTest {

  @TempDir Path dir;
  private Path file;
  private SqliteDatabase db;
  private SqliteRegistryBackend registry;

  @BeforeEach
  void open() {
    file = dir.resolve("mlflow.db");
    db = SqliteDatabase.open(file, dir.resolve("mlruns").toString());
    registry = new SqliteRegistryBackend(db);
  }

  @AfterEach
  void close() {
    registry.close();
    db.close();
  }

  private ModelVersion version(String name, String source) {
    return registry.createModelVersion(name, source, "/store/" + source, null, null, Map.of());
  }

  @Nested
  @DisplayName("registered models")
  class Models {

    @Test
    @DisplayName("are created with description and tags, and a second create is AlreadyExists")
    void create() {
      RegisteredModel m =
          registry.createRegisteredModel("fraud", "detects fraud", Map.of("t", "1"));
      assertThat(m.name()).isEqualTo("fraud");
      assertThat(m.description()).isEqualTo("detects fraud");
      assertThat(m.tags()).containsExactly(Map.entry("t", "1"));
      assertThat(m.aliases()).isEmpty();
      assertThat(m.creationTimestamp()).isPositive().isEqualTo(m.lastUpdatedTimestamp());
      assertThat(registry.getRegisteredModel("fraud")).contains(m);
      assertThatThrownBy(() -> registry.createRegisteredModel("fraud", null, Map.of()))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining("fraud");
      assertThat(registry.getRegisteredModel("Fraud")).as("names are case-sensitive").isEmpty();
    }

    @Test
    @DisplayName("change description and tags")
    void update() {
      registry.createRegisteredModel("m", null, Map.of());
      assertThat(registry.updateRegisteredModel("m", "new").description()).isEqualTo("new");
      registry.setRegisteredModelTag("m", "k", "1");
      registry.setRegisteredModelTag("m", "k", "2");
      assertThat(registry.getRegisteredModel("m").orElseThrow().tags())
          .containsExactly(Map.entry("k", "2"));
      registry.deleteRegisteredModelTag("m", "k");
      assertThat(registry.getRegisteredModel("m").orElseThrow().tags()).isEmpty();
      assertThatThrownBy(() -> registry.updateRegisteredModel("nope", "x"))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("take versions, tags, version tags and aliases along when renamed")
    void rename() {
      renameCarriesEverything(registry);
    }

    @Test
    @DisplayName("rename also in a file whose schema does not cascade updates")
    void renameWithoutCascade() throws Exception {
      Path plain = dir.resolve("plain.db");
      try (var c = Db.connect(plain);
          var s = c.createStatement()) {
        for (String ddl : Schema.statements()) {
          s.executeUpdate(ddl.replace(" ON UPDATE CASCADE", ""));
        }
        s.executeUpdate("INSERT INTO alembic_version VALUES ('bda7b8c39065')");
      }
      assertThat(
              Db.number(
                  plain, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%ON UPDATE CASCADE%'"))
          .isZero();
      try (SqliteDatabase other = SqliteDatabase.open(plain, "/r")) {
        renameCarriesEverything(new SqliteRegistryBackend(other));
      }
    }

    private void renameCarriesEverything(SqliteRegistryBackend r) {
      r.createRegisteredModel("old", null, Map.of("t", "v"));
      r.createModelVersion("old", "src1", "/s/1", null, null, Map.of("vt", "1"));
      r.createModelVersion("old", "src2", "/s/2", null, null, Map.of());
      r.setAlias("old", "champion", 2);
      r.createRegisteredModel("taken", null, Map.of());

      assertThatThrownBy(() -> r.renameRegisteredModel("old", "taken"))
          .isInstanceOf(AlreadyExistsException.class);
      RegisteredModel renamed = r.renameRegisteredModel("old", "new");

      assertThat(renamed.name()).isEqualTo("new");
      assertThat(renamed.tags()).containsExactly(Map.entry("t", "v"));
      assertThat(renamed.aliases()).containsExactly(Map.entry("champion", 2));
      assertThat(r.getRegisteredModel("old")).isEmpty();
      assertThat(r.getModelVersion("new", 1).orElseThrow().tags())
          .containsExactly(Map.entry("vt", "1"));
      assertThat(r.getModelVersionByAlias("new", "champion").orElseThrow().version()).isEqualTo(2);
      assertThat(r.getModelVersion("old", 1)).isEmpty();
      assertThat(r.createModelVersion("new", "src3", "/s/3", null, null, Map.of()).version())
          .isEqualTo(3);
    }

    @Test
    @DisplayName("delete their versions, tags and aliases with them")
    void delete() throws Exception {
      registry.createRegisteredModel("m", null, Map.of("t", "v"));
      registry.createModelVersion("m", "s", "/s", null, null, Map.of("vt", "v"));
      registry.setAlias("m", "a", 1);
      registry.deleteRegisteredModel("m");
      assertThat(registry.getRegisteredModel("m")).isEmpty();
      for (String table :
          List.of(
              "registered_models",
              "registered_model_tags",
              "model_versions",
              "model_version_tags",
              "registered_model_aliases")) {
        assertThat(Db.number(file, "SELECT count(*) FROM " + table)).as(table).isZero();
      }
      assertThatThrownBy(() -> registry.deleteRegisteredModel("m"))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("are found by search")
    void search() {
      registry.createRegisteredModel("a", null, Map.of());
      registry.createRegisteredModel("b", null, Map.of());
      assertThat(registry.searchRegisteredModels(SearchQuery.all()).items())
          .extracting(RegisteredModel::name)
          .containsExactlyInAnyOrder("a", "b");
    }
  }

  @Nested
  @DisplayName("model versions")
  class Versions {

    @BeforeEach
    void model() {
      registry.createRegisteredModel("m", null, Map.of());
    }

    @Test
    @DisplayName("are created READY in stage None, and bump the model's update time")
    void create() throws Exception {
      Db.execute(file, "UPDATE registered_models SET last_updated_time = 1");
      ModelVersion v =
          registry.createModelVersion(
              "m", "runs:/abc/model", "/art/abc/model", "abc", "first", Map.of("k", "v"));
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.status()).isEqualTo("READY");
      assertThat(v.stage()).isEqualTo(ModelStage.NONE);
      assertThat(v.source()).isEqualTo("runs:/abc/model");
      assertThat(v.runId()).isEqualTo("abc");
      assertThat(v.description()).isEqualTo("first");
      assertThat(v.tags()).containsExactly(Map.entry("k", "v"));
      assertThat(v.creationTimestamp()).isEqualTo(v.lastUpdatedTimestamp());
      assertThat(registry.getModelVersionDownloadUri("m", 1)).isEqualTo("/art/abc/model");
      assertThat(
              Db.column(
                  file, "SELECT current_stage || '|' || storage_location FROM model_versions"))
          .containsExactly("None|/art/abc/model");
      assertThat(registry.getRegisteredModel("m").orElseThrow().lastUpdatedTimestamp())
          .isEqualTo(v.creationTimestamp());
      assertThatThrownBy(() -> version("missing", "s")).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("are soft-deleted: hidden, redacted, their aliases removed, numbers not reused")
    void softDelete() throws Exception {
      version("m", "s1");
      version("m", "s2");
      registry.setAlias("m", "champion", 2);
      registry.setModelVersionTag("m", 2, "k", "v");
      registry.deleteModelVersion("m", 2);

      assertThat(registry.getModelVersion("m", 2)).isEmpty();
      assertThat(registry.getModelVersionByAlias("m", "champion")).isEmpty();
      assertThat(registry.getRegisteredModel("m").orElseThrow().aliases()).isEmpty();
      assertThat(
              Db.column(
                  file,
                  "SELECT current_stage || '|' || source || '|' || run_id FROM model_versions"
                      + " WHERE version = 2"))
          .containsExactly("Deleted_Internal|REDACTED-SOURCE-PATH|REDACTED-RUN-ID");
      assertThat(version("m", "s3").version()).isEqualTo(3);
      assertThat(registry.searchModelVersions(SearchQuery.all()).items())
          .extracting(ModelVersion::version)
          .containsExactlyInAnyOrder(1, 3);
      assertThatThrownBy(() -> registry.deleteModelVersion("m", 2))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> registry.getModelVersionDownloadUri("m", 2))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> registry.setAlias("m", "a", 2))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("change description and tags")
    void update() {
      version("m", "s");
      assertThat(registry.updateModelVersion("m", 1, "better").description()).isEqualTo("better");
      registry.setModelVersionTag("m", 1, "k", "1");
      registry.setModelVersionTag("m", 1, "k", "2");
      assertThat(registry.getModelVersion("m", 1).orElseThrow().tags())
          .containsExactly(Map.entry("k", "2"));
      registry.deleteModelVersionTag("m", 1, "k");
      assertThat(registry.getModelVersion("m", 1).orElseThrow().tags()).isEmpty();
      assertThatThrownBy(() -> registry.updateModelVersion("m", 7, "x"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("version 7");
    }
  }

  @Nested
  @DisplayName("aliases")
  class Aliases {

    @Test
    @DisplayName("point at one version, move when set again and disappear when deleted")
    void move() {
      registry.createRegisteredModel("m", null, Map.of());
      version("m", "s1");
      version("m", "s2");
      registry.setAlias("m", "champion", 1);
      assertThat(registry.getModelVersionByAlias("m", "champion").orElseThrow().version())
          .isEqualTo(1);
      assertThat(registry.getModelVersion("m", 1).orElseThrow().aliases())
          .containsExactly("champion");
      registry.setAlias("m", "champion", 2);
      assertThat(registry.getModelVersionByAlias("m", "champion").orElseThrow().version())
          .isEqualTo(2);
      assertThat(registry.getModelVersion("m", 1).orElseThrow().aliases()).isEmpty();
      assertThat(registry.getRegisteredModel("m").orElseThrow().aliases())
          .containsExactly(Map.entry("champion", 2));
      registry.deleteAlias("m", "champion");
      assertThat(registry.getModelVersionByAlias("m", "champion")).isEmpty();
      assertThatThrownBy(() -> registry.setAlias("nope", "a", 1))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Nested
  @DisplayName("stages")
  class Stages {

    @BeforeEach
    void versions() {
      registry.createRegisteredModel("m", null, Map.of());
      for (int i = 0; i < 4; i++) {
        version("m", "s" + i);
      }
    }

    @Test
    @DisplayName("archive the other versions in the target stage when asked")
    void archive() {
      registry.transitionModelVersionStage("m", 1, ModelStage.PRODUCTION, false);
      registry.transitionModelVersionStage("m", 2, ModelStage.PRODUCTION, false);
      registry.transitionModelVersionStage("m", 3, ModelStage.STAGING, false);
      ModelVersion v4 = registry.transitionModelVersionStage("m", 4, ModelStage.PRODUCTION, true);
      assertThat(v4.stage()).isEqualTo(ModelStage.PRODUCTION);
      assertThat(registry.getModelVersion("m", 1).orElseThrow().stage())
          .isEqualTo(ModelStage.ARCHIVED);
      assertThat(registry.getModelVersion("m", 2).orElseThrow().stage())
          .isEqualTo(ModelStage.ARCHIVED);
      assertThat(registry.getModelVersion("m", 3).orElseThrow().stage())
          .isEqualTo(ModelStage.STAGING);
    }

    @Test
    @DisplayName("refuse archiving when moving to None or Archived")
    void archiveOnlyForStagingAndProduction() {
      assertThatThrownBy(
              () -> registry.transitionModelVersionStage("m", 1, ModelStage.ARCHIVED, true))
          .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("give the newest version per stage, all stages when none are named")
    void latest() {
      registry.transitionModelVersionStage("m", 1, ModelStage.PRODUCTION, false);
      registry.transitionModelVersionStage("m", 2, ModelStage.PRODUCTION, false);
      registry.transitionModelVersionStage("m", 3, ModelStage.STAGING, false);
      assertThat(registry.getLatestVersions("m", List.of()))
          .extracting(v -> v.stage() + ":" + v.version())
          .containsExactly("NONE:4", "STAGING:3", "PRODUCTION:2");
      assertThat(registry.getLatestVersions("m", List.of(ModelStage.PRODUCTION)))
          .extracting(ModelVersion::version)
          .containsExactly(2);
      registry.deleteModelVersion("m", 4);
      assertThat(registry.getLatestVersions("m", List.of(ModelStage.NONE))).isEmpty();
      assertThatThrownBy(() -> registry.getLatestVersions("nope", List.of()))
          .isInstanceOf(NotFoundException.class);
    }
  }
}
