package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.spi.RegistryBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;

/**
 * Each registry call's request, parsed strictly into the official MLflow message, must equal what
 * MLflow expects; answers printed from official messages must read back whole.
 */
@DisplayName("The registry backend's wire contract with MLflow's official messages")
class RegistryWireContractTest {

  private static final String RM = "/api/2.0/mlflow/registered-models/";
  private static final String MV = "/api/2.0/mlflow/model-versions/";
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private StubServer stubs;
  private TestContext context;
  private RegistryBackend backend;

  @BeforeEach
  void start() {
    stubs = new StubServer();
    context = TestContext.fastRetries(stubs.uri(), dir, Map.of());
    backend = new MlflowRegistryProvider().create(context);
  }

  @AfterEach
  void stop() throws Exception {
    context.close();
    stubs.close();
  }

  private static ModelRegistry.RegisteredModel modelProto() {
    return ModelRegistry.RegisteredModel.newBuilder()
        .setName("fraud")
        .setCreationTimestamp(T0)
        .setLastUpdatedTimestamp(T0 + 1)
        .setDescription("scores")
        .addTags(ModelRegistry.RegisteredModelTag.newBuilder().setKey("team").setValue("risk"))
        .addAliases(
            ModelRegistry.RegisteredModelAlias.newBuilder().setAlias("champion").setVersion("3"))
        .build();
  }

  private static ModelRegistry.ModelVersion versionProto() {
    return ModelRegistry.ModelVersion.newBuilder()
        .setName("fraud")
        .setVersion("3")
        .setCreationTimestamp(T0)
        .setLastUpdatedTimestamp(T0 + 2)
        .setCurrentStage("Production")
        .setDescription("v3")
        .setSource("runs:/abc/model")
        .setRunId("abc")
        .setStatus(ModelRegistry.ModelVersionStatus.READY)
        .addTags(ModelRegistry.ModelVersionTag.newBuilder().setKey("k").setValue("v"))
        .addAliases("champion")
        .build();
  }

  private static final ModelVersion VERSION =
      new ModelVersion(
          "fraud",
          3,
          T0,
          T0 + 2,
          "v3",
          "runs:/abc/model",
          "abc",
          "READY",
          ModelStage.PRODUCTION,
          Map.of("k", "v"),
          List.of("champion"));

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("registered-models/create and get send MLflow's fields and read the whole model")
  void createAndGetModel(boolean numbers) throws Exception {
    stubs.answer(
        "POST",
        RM + "create",
        ModelRegistry.CreateRegisteredModel.Response.newBuilder()
            .setRegisteredModel(modelProto())
            .build(),
        numbers);
    stubs.answer(
        "GET",
        RM + "get",
        ModelRegistry.GetRegisteredModel.Response.newBuilder()
            .setRegisteredModel(modelProto())
            .build(),
        numbers);

    RegisteredModel created =
        backend.createRegisteredModel("fraud", "scores", Map.of("team", "risk"));
    RegisteredModel read = backend.getRegisteredModel("fraud").orElseThrow();

    RegisteredModel expected =
        new RegisteredModel(
            "fraud", T0, T0 + 1, "scores", Map.of("team", "risk"), Map.of("champion", 3));
    assertThat(created).isEqualTo(expected);
    assertThat(read).isEqualTo(expected);
    assertThat(
            stubs
                .sent("POST", RM + "create", ModelRegistry.CreateRegisteredModel.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.CreateRegisteredModel.newBuilder()
                .setName("fraud")
                .setDescription("scores")
                .addTags(
                    ModelRegistry.RegisteredModelTag.newBuilder().setKey("team").setValue("risk"))
                .build());
    assertThat(stubs.sent("GET", RM + "get", ModelRegistry.GetRegisteredModel.newBuilder()).build())
        .isEqualTo(ModelRegistry.GetRegisteredModel.newBuilder().setName("fraud").build());
  }

  @Test
  @DisplayName(
      "rename, update (PATCH), delete (DELETE with a body) and model tags send MLflow's fields")
  void modelWrites() throws Exception {
    var answer =
        ModelRegistry.RenameRegisteredModel.Response.newBuilder()
            .setRegisteredModel(modelProto())
            .build();
    stubs.answer("POST", RM + "rename", answer, true);
    stubs.answer("PATCH", RM + "update", answer, true);
    stubs.answer("DELETE", RM + "delete", 200, "{}");
    stubs.answer("POST", RM + "set-tag", 200, "{}");
    stubs.answer("DELETE", RM + "delete-tag", 200, "{}");

    backend.renameRegisteredModel("fraud", "fraud2");
    backend.updateRegisteredModel("fraud2", null);
    backend.deleteRegisteredModelTag("fraud2", "k");
    backend.setRegisteredModelTag("fraud2", "k", "v");
    backend.deleteRegisteredModel("fraud2");

    assertThat(
            stubs
                .sent("POST", RM + "rename", ModelRegistry.RenameRegisteredModel.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.RenameRegisteredModel.newBuilder()
                .setName("fraud")
                .setNewName("fraud2")
                .build());
    assertThat(
            stubs
                .sent("PATCH", RM + "update", ModelRegistry.UpdateRegisteredModel.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.UpdateRegisteredModel.newBuilder()
                .setName("fraud2")
                .setDescription("")
                .build());
    assertThat(
            stubs
                .sent("DELETE", RM + "delete", ModelRegistry.DeleteRegisteredModel.newBuilder())
                .build())
        .isEqualTo(ModelRegistry.DeleteRegisteredModel.newBuilder().setName("fraud2").build());
    assertThat(
            stubs
                .sent("POST", RM + "set-tag", ModelRegistry.SetRegisteredModelTag.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.SetRegisteredModelTag.newBuilder()
                .setName("fraud2")
                .setKey("k")
                .setValue("v")
                .build());
    assertThat(
            stubs
                .sent(
                    "DELETE",
                    RM + "delete-tag",
                    ModelRegistry.DeleteRegisteredModelTag.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.DeleteRegisteredModelTag.newBuilder()
                .setName("fraud2")
                .setKey("k")
                .build());
  }

  @Test
  @DisplayName(
      "registered-models/search sends filter, repeated order_by and at most 1,000 per page")
  void searchModels() throws Exception {
    stubs.answer(
        "GET",
        RM + "search",
        ModelRegistry.SearchRegisteredModels.Response.newBuilder()
            .addRegisteredModels(modelProto())
            .setNextPageToken("t2")
            .build(),
        true);

    Page<RegisteredModel> page =
        backend.searchRegisteredModels(
            SearchQuery.builder()
                .filter("name LIKE 'f%'")
                .orderBy("name ASC", "last_updated_timestamp DESC")
                .maxResults(5000)
                .pageToken("t1")
                .build());

    assertThat(page.items()).extracting(RegisteredModel::name).containsExactly("fraud");
    assertThat(page.nextPageToken()).isEqualTo("t2");
    assertThat(
            stubs
                .sent("GET", RM + "search", ModelRegistry.SearchRegisteredModels.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.SearchRegisteredModels.newBuilder()
                .setFilter("name LIKE 'f%'")
                .setMaxResults(1000)
                .addOrderBy("name ASC")
                .addOrderBy("last_updated_timestamp DESC")
                .setPageToken("t1")
                .build());
  }

  @ParameterizedTest(name = "int64 as numbers: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("model-versions/create sends the source as given, run, description and tags")
  void createVersion(boolean numbers) throws Exception {
    stubs.answer(
        "POST",
        MV + "create",
        ModelRegistry.CreateModelVersion.Response.newBuilder()
            .setModelVersion(versionProto())
            .build(),
        numbers);

    ModelVersion v =
        backend.createModelVersion(
            "fraud",
            "runs:/abc/model",
            "mlflow-artifacts:/1/abc/artifacts/model",
            "abc",
            "v3",
            Map.of("k", "v"));

    assertThat(v).isEqualTo(VERSION);
    assertThat(
            stubs
                .sent("POST", MV + "create", ModelRegistry.CreateModelVersion.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.CreateModelVersion.newBuilder()
                .setName("fraud")
                .setSource("runs:/abc/model")
                .setRunId("abc")
                .addTags(ModelRegistry.ModelVersionTag.newBuilder().setKey("k").setValue("v"))
                .setDescription("v3")
                .build());
  }

  @Test
  @DisplayName("version get, update, delete, tags and by-alias send the version as a string")
  void versionCalls() throws Exception {
    var get =
        ModelRegistry.GetModelVersion.Response.newBuilder().setModelVersion(versionProto()).build();
    stubs.answer("GET", MV + "get", get, true);
    stubs.answer("PATCH", MV + "update", get, false);
    stubs.answer("GET", RM + "alias", get, true);
    stubs.answer("DELETE", MV + "delete", 200, "{}");
    stubs.answer("POST", MV + "set-tag", 200, "{}");
    stubs.answer("DELETE", MV + "delete-tag", 200, "{}");

    assertThat(backend.getModelVersion("fraud", 3)).contains(VERSION);
    assertThat(backend.updateModelVersion("fraud", 3, "d")).isEqualTo(VERSION);
    assertThat(backend.getModelVersionByAlias("fraud", "champion")).contains(VERSION);
    backend.setModelVersionTag("fraud", 3, "k", "v");
    backend.deleteModelVersionTag("fraud", 3, "k");
    backend.deleteModelVersion("fraud", 3);

    assertThat(stubs.sent("GET", MV + "get", ModelRegistry.GetModelVersion.newBuilder()).build())
        .isEqualTo(
            ModelRegistry.GetModelVersion.newBuilder().setName("fraud").setVersion("3").build());
    assertThat(
            stubs
                .sent("PATCH", MV + "update", ModelRegistry.UpdateModelVersion.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.UpdateModelVersion.newBuilder()
                .setName("fraud")
                .setVersion("3")
                .setDescription("d")
                .build());
    assertThat(
            stubs
                .sent("GET", RM + "alias", ModelRegistry.GetModelVersionByAlias.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.GetModelVersionByAlias.newBuilder()
                .setName("fraud")
                .setAlias("champion")
                .build());
    assertThat(
            stubs
                .sent("POST", MV + "set-tag", ModelRegistry.SetModelVersionTag.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.SetModelVersionTag.newBuilder()
                .setName("fraud")
                .setVersion("3")
                .setKey("k")
                .setValue("v")
                .build());
    assertThat(
            stubs
                .sent("DELETE", MV + "delete-tag", ModelRegistry.DeleteModelVersionTag.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.DeleteModelVersionTag.newBuilder()
                .setName("fraud")
                .setVersion("3")
                .setKey("k")
                .build());
    assertThat(
            stubs
                .sent("DELETE", MV + "delete", ModelRegistry.DeleteModelVersion.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.DeleteModelVersion.newBuilder().setName("fraud").setVersion("3").build());
  }

  @Test
  @DisplayName("aliases are set with POST and deleted with DELETE on registered-models/alias")
  void aliases() throws Exception {
    stubs.answer("POST", RM + "alias", 200, "{}");
    stubs.answer("DELETE", RM + "alias", 200, "{}");

    backend.setAlias("fraud", "champion", 3);
    backend.deleteAlias("fraud", "champion");

    assertThat(
            stubs
                .sent("POST", RM + "alias", ModelRegistry.SetRegisteredModelAlias.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.SetRegisteredModelAlias.newBuilder()
                .setName("fraud")
                .setAlias("champion")
                .setVersion("3")
                .build());
    assertThat(
            stubs
                .sent("DELETE", RM + "alias", ModelRegistry.DeleteRegisteredModelAlias.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.DeleteRegisteredModelAlias.newBuilder()
                .setName("fraud")
                .setAlias("champion")
                .build());
  }

  @Test
  @DisplayName(
      "transition-stage, get-latest-versions and model version search send MLflow's fields")
  void stagesAndSearch() throws Exception {
    stubs.answer(
        "POST",
        MV + "transition-stage",
        ModelRegistry.TransitionModelVersionStage.Response.newBuilder()
            .setModelVersion(versionProto())
            .build(),
        true);
    stubs.answer(
        "POST",
        RM + "get-latest-versions",
        ModelRegistry.GetLatestVersions.Response.newBuilder()
            .addModelVersions(versionProto())
            .build(),
        false);
    stubs.answer(
        "GET",
        MV + "search",
        ModelRegistry.SearchModelVersions.Response.newBuilder()
            .addModelVersions(versionProto())
            .build(),
        true);

    assertThat(backend.transitionModelVersionStage("fraud", 3, ModelStage.PRODUCTION, true))
        .isEqualTo(VERSION);
    assertThat(
            backend.getLatestVersions("fraud", List.of(ModelStage.STAGING, ModelStage.PRODUCTION)))
        .containsExactly(VERSION);
    assertThat(
            backend
                .searchModelVersions(
                    SearchQuery.builder().filter("name = 'fraud'").maxResults(7).build())
                .items())
        .containsExactly(VERSION);

    assertThat(
            stubs
                .sent(
                    "POST",
                    MV + "transition-stage",
                    ModelRegistry.TransitionModelVersionStage.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.TransitionModelVersionStage.newBuilder()
                .setName("fraud")
                .setVersion("3")
                .setStage("Production")
                .setArchiveExistingVersions(true)
                .build());
    assertThat(
            stubs
                .sent(
                    "POST",
                    RM + "get-latest-versions",
                    ModelRegistry.GetLatestVersions.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.GetLatestVersions.newBuilder()
                .setName("fraud")
                .addStages("Staging")
                .addStages("Production")
                .build());
    assertThat(
            stubs
                .sent("GET", MV + "search", ModelRegistry.SearchModelVersions.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.SearchModelVersions.newBuilder()
                .setFilter("name = 'fraud'")
                .setMaxResults(7)
                .build());
  }

  @Test
  @DisplayName("a runs:/ download URI from the server is resolved through the run's artifact URI")
  void downloadUriResolvesRunsUris() throws Exception {
    stubs.answer(
        "GET",
        MV + "get-download-uri",
        ModelRegistry.GetModelVersionDownloadUri.Response.newBuilder()
            .setArtifactUri("runs:/abc/model")
            .build(),
        true);
    stubs.answer(
        "GET",
        "/api/2.0/mlflow/runs/get",
        Service.GetRun.Response.newBuilder()
            .setRun(
                Service.Run.newBuilder()
                    .setInfo(
                        Service.RunInfo.newBuilder()
                            .setRunId("abc")
                            .setArtifactUri("mlflow-artifacts:/1/abc/artifacts")))
            .build(),
        true);

    assertThat(backend.getModelVersionDownloadUri("fraud", 3))
        .isEqualTo("mlflow-artifacts:/1/abc/artifacts/model");
    assertThat(
            stubs
                .sent(
                    "GET",
                    MV + "get-download-uri",
                    ModelRegistry.GetModelVersionDownloadUri.newBuilder())
                .build())
        .isEqualTo(
            ModelRegistry.GetModelVersionDownloadUri.newBuilder()
                .setName("fraud")
                .setVersion("3")
                .build());
  }
}
