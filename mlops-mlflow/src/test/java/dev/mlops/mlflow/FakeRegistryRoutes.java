package dev.mlops.mlflow;

import static dev.mlops.mlflow.FakeTrackingRoutes.notFound;
import static dev.mlops.mlflow.FakeTrackingRoutes.required;
import static dev.mlops.mlflow.FakeTrackingRoutes.tags;

import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.util.ArrayList;
import java.util.List;
import org.mlflow.api.proto.ModelRegistry;

/**
 * The registry half of {@link FakeMlflowServer}: MLflow's model registry endpoints over a store.
 */
final class FakeRegistryRoutes {

  private final FakeMlflowServer server;
  private final RegistryBackend store;
  private final TrackingBackend tracking;

  FakeRegistryRoutes(FakeMlflowServer server, RegistryBackend store, TrackingBackend tracking) {
    this.server = server;
    this.store = store;
    this.tracking = tracking;
  }

  void register() {
    String rm = "mlflow/registered-models/";
    server.route(
        "POST",
        rm + "create",
        ModelRegistry.CreateRegisteredModel::newBuilder,
        r ->
            ModelRegistry.CreateRegisteredModel.Response.newBuilder()
                .setRegisteredModel(
                    model(
                        store.createRegisteredModel(
                            required(r.getName(), "name"),
                            r.hasDescription() ? r.getDescription() : null,
                            tags(r.getTagsList()))))
                .build());
    server.route(
        "GET",
        rm + "get",
        ModelRegistry.GetRegisteredModel::newBuilder,
        r ->
            ModelRegistry.GetRegisteredModel.Response.newBuilder()
                .setRegisteredModel(model(registered(r.getName())))
                .build());
    server.route(
        "POST",
        rm + "rename",
        ModelRegistry.RenameRegisteredModel::newBuilder,
        r ->
            ModelRegistry.RenameRegisteredModel.Response.newBuilder()
                .setRegisteredModel(
                    model(
                        store.renameRegisteredModel(
                            required(r.getName(), "name"), required(r.getNewName(), "new_name"))))
                .build());
    server.route(
        "PATCH",
        rm + "update",
        ModelRegistry.UpdateRegisteredModel::newBuilder,
        r ->
            ModelRegistry.UpdateRegisteredModel.Response.newBuilder()
                .setRegisteredModel(
                    model(
                        store.updateRegisteredModel(
                            required(r.getName(), "name"), r.getDescription())))
                .build());
    server.route(
        "DELETE",
        rm + "delete",
        ModelRegistry.DeleteRegisteredModel::newBuilder,
        r -> {
          store.deleteRegisteredModel(required(r.getName(), "name"));
          return ModelRegistry.DeleteRegisteredModel.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        rm + "set-tag",
        ModelRegistry.SetRegisteredModelTag::newBuilder,
        r -> {
          store.setRegisteredModelTag(
              required(r.getName(), "name"), required(r.getKey(), "key"), r.getValue());
          return ModelRegistry.SetRegisteredModelTag.Response.getDefaultInstance();
        });
    server.route(
        "DELETE",
        rm + "delete-tag",
        ModelRegistry.DeleteRegisteredModelTag::newBuilder,
        r -> {
          store.deleteRegisteredModelTag(
              required(r.getName(), "name"), required(r.getKey(), "key"));
          return ModelRegistry.DeleteRegisteredModelTag.Response.getDefaultInstance();
        });
    server.route(
        "GET",
        rm + "search",
        ModelRegistry.SearchRegisteredModels::newBuilder,
        r -> {
          long max = r.hasMaxResults() ? r.getMaxResults() : 100;
          if (max > 1000) {
            throw new FakeMlflowServer.ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                "Invalid value for request parameter max_results. It must be at most 1000, but got value "
                    + max);
          }
          Page<RegisteredModel> page =
              store.searchRegisteredModels(
                  query(r.getFilter(), r.getOrderByList(), (int) max, r.getPageToken()));
          ModelRegistry.SearchRegisteredModels.Response.Builder b =
              ModelRegistry.SearchRegisteredModels.Response.newBuilder();
          page.items().forEach(m -> b.addRegisteredModels(model(m)));
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    for (String method : List.of("POST", "GET")) {
      server.route(
          method,
          rm + "get-latest-versions",
          ModelRegistry.GetLatestVersions::newBuilder,
          r -> {
            List<ModelStage> stages = new ArrayList<>();
            r.getStagesList().forEach(s -> stages.add(ModelStage.fromWire(s)));
            registered(r.getName());
            ModelRegistry.GetLatestVersions.Response.Builder b =
                ModelRegistry.GetLatestVersions.Response.newBuilder();
            store
                .getLatestVersions(r.getName(), stages)
                .forEach(v -> b.addModelVersions(version(v)));
            return b.build();
          });
    }
    server.route(
        "POST",
        rm + "alias",
        ModelRegistry.SetRegisteredModelAlias::newBuilder,
        r -> {
          store.setAlias(
              required(r.getName(), "name"),
              required(r.getAlias(), "alias"),
              number(r.getVersion()));
          return ModelRegistry.SetRegisteredModelAlias.Response.getDefaultInstance();
        });
    server.route(
        "DELETE",
        rm + "alias",
        ModelRegistry.DeleteRegisteredModelAlias::newBuilder,
        r -> {
          store.deleteAlias(required(r.getName(), "name"), required(r.getAlias(), "alias"));
          return ModelRegistry.DeleteRegisteredModelAlias.Response.getDefaultInstance();
        });
    server.route(
        "GET",
        rm + "alias",
        ModelRegistry.GetModelVersionByAlias::newBuilder,
        r ->
            ModelRegistry.GetModelVersionByAlias.Response.newBuilder()
                .setModelVersion(
                    version(
                        store
                            .getModelVersionByAlias(
                                required(r.getName(), "name"), required(r.getAlias(), "alias"))
                            .orElseThrow(
                                () -> notFound("alias", r.getName() + "@" + r.getAlias()))))
                .build());
    registerVersions();
  }

  private void registerVersions() {
    String mv = "mlflow/model-versions/";
    server.route(
        "POST",
        mv + "create",
        ModelRegistry.CreateModelVersion::newBuilder,
        r -> {
          String source = required(r.getSource(), "source");
          String runId = r.getRunId().isEmpty() ? null : r.getRunId();
          if (runId != null) {
            tracking.getRun(runId).orElseThrow(() -> notFound("run", runId));
          }
          return ModelRegistry.CreateModelVersion.Response.newBuilder()
              .setModelVersion(
                  version(
                      store.createModelVersion(
                          required(r.getName(), "name"),
                          source,
                          source,
                          runId,
                          r.hasDescription() ? r.getDescription() : null,
                          tags(r.getTagsList()))))
              .build();
        });
    server.route(
        "GET",
        mv + "get",
        ModelRegistry.GetModelVersion::newBuilder,
        r ->
            ModelRegistry.GetModelVersion.Response.newBuilder()
                .setModelVersion(version(modelVersion(r.getName(), r.getVersion())))
                .build());
    server.route(
        "GET",
        mv + "get-download-uri",
        ModelRegistry.GetModelVersionDownloadUri::newBuilder,
        r -> {
          modelVersion(r.getName(), r.getVersion());
          return ModelRegistry.GetModelVersionDownloadUri.Response.newBuilder()
              .setArtifactUri(store.getModelVersionDownloadUri(r.getName(), number(r.getVersion())))
              .build();
        });
    server.route(
        "PATCH",
        mv + "update",
        ModelRegistry.UpdateModelVersion::newBuilder,
        r ->
            ModelRegistry.UpdateModelVersion.Response.newBuilder()
                .setModelVersion(
                    version(
                        store.updateModelVersion(
                            required(r.getName(), "name"),
                            number(r.getVersion()),
                            r.getDescription())))
                .build());
    server.route(
        "DELETE",
        mv + "delete",
        ModelRegistry.DeleteModelVersion::newBuilder,
        r -> {
          store.deleteModelVersion(required(r.getName(), "name"), number(r.getVersion()));
          return ModelRegistry.DeleteModelVersion.Response.getDefaultInstance();
        });
    server.route(
        "POST",
        mv + "set-tag",
        ModelRegistry.SetModelVersionTag::newBuilder,
        r -> {
          store.setModelVersionTag(
              required(r.getName(), "name"),
              number(r.getVersion()),
              required(r.getKey(), "key"),
              r.getValue());
          return ModelRegistry.SetModelVersionTag.Response.getDefaultInstance();
        });
    server.route(
        "DELETE",
        mv + "delete-tag",
        ModelRegistry.DeleteModelVersionTag::newBuilder,
        r -> {
          store.deleteModelVersionTag(
              required(r.getName(), "name"), number(r.getVersion()), required(r.getKey(), "key"));
          return ModelRegistry.DeleteModelVersionTag.Response.getDefaultInstance();
        });
    server.route(
        "GET",
        mv + "search",
        ModelRegistry.SearchModelVersions::newBuilder,
        r -> {
          int max = (int) Math.min(r.hasMaxResults() ? r.getMaxResults() : 200_000, 50_000);
          Page<ModelVersion> page =
              store.searchModelVersions(
                  query(r.getFilter(), r.getOrderByList(), max, r.getPageToken()));
          ModelRegistry.SearchModelVersions.Response.Builder b =
              ModelRegistry.SearchModelVersions.Response.newBuilder();
          page.items().forEach(v -> b.addModelVersions(version(v)));
          page.next().ifPresent(b::setNextPageToken);
          return b.build();
        });
    server.route(
        "POST",
        mv + "transition-stage",
        ModelRegistry.TransitionModelVersionStage::newBuilder,
        r ->
            ModelRegistry.TransitionModelVersionStage.Response.newBuilder()
                .setModelVersion(
                    version(
                        store.transitionModelVersionStage(
                            required(r.getName(), "name"),
                            number(r.getVersion()),
                            ModelStage.fromWire(required(r.getStage(), "stage")),
                            r.getArchiveExistingVersions())))
                .build());
  }

  private RegisteredModel registered(String name) {
    return store
        .getRegisteredModel(required(name, "name"))
        .orElseThrow(() -> notFound("registered model", name));
  }

  private ModelVersion modelVersion(String name, String version) {
    return store
        .getModelVersion(required(name, "name"), number(version))
        .orElseThrow(() -> notFound("model version", name + "/" + version));
  }

  private static int number(String version) {
    try {
      return Integer.parseInt(required(version, "version"));
    } catch (NumberFormatException e) {
      throw new FakeMlflowServer.ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          "Model version must be an integer, got '" + version + "'");
    }
  }

  private static SearchQuery query(String filter, List<String> orderBy, int max, String token) {
    return SearchQuery.builder()
        .filter(filter)
        .orderBy(orderBy.toArray(String[]::new))
        .maxResults(max)
        .pageToken(token.isEmpty() ? null : token)
        .build();
  }

  private ModelRegistry.RegisteredModel model(RegisteredModel m) {
    ModelRegistry.RegisteredModel.Builder b =
        ModelRegistry.RegisteredModel.newBuilder()
            .setName(m.name())
            .setCreationTimestamp(m.creationTimestamp())
            .setLastUpdatedTimestamp(m.lastUpdatedTimestamp());
    if (m.description() != null) {
      b.setDescription(m.description());
    }
    m.tags()
        .forEach(
            (k, v) ->
                b.addTags(ModelRegistry.RegisteredModelTag.newBuilder().setKey(k).setValue(v)));
    m.aliases()
        .forEach(
            (alias, version) ->
                b.addAliases(
                    ModelRegistry.RegisteredModelAlias.newBuilder()
                        .setAlias(alias)
                        .setVersion(String.valueOf(version))));
    store.getLatestVersions(m.name(), List.of()).forEach(v -> b.addLatestVersions(version(v)));
    return b.build();
  }

  static ModelRegistry.ModelVersion version(ModelVersion v) {
    ModelRegistry.ModelVersion.Builder b =
        ModelRegistry.ModelVersion.newBuilder()
            .setName(v.name())
            .setVersion(String.valueOf(v.version()))
            .setCreationTimestamp(v.creationTimestamp())
            .setLastUpdatedTimestamp(v.lastUpdatedTimestamp())
            .setCurrentStage(v.stage().wireName())
            .setSource(v.source())
            .setStatus(ModelRegistry.ModelVersionStatus.valueOf(v.status()));
    if (v.description() != null) {
      b.setDescription(v.description());
    }
    if (v.runId() != null) {
      b.setRunId(v.runId());
    }
    v.tags()
        .forEach(
            (k, val) ->
                b.addTags(ModelRegistry.ModelVersionTag.newBuilder().setKey(k).setValue(val)));
    b.addAllAliases(v.aliases());
    return b.build();
  }
}
