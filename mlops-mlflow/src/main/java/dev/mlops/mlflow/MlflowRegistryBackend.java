package dev.mlops.mlflow;

import static dev.mlops.mlflow.MlflowTrackingBackend.find;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.mlflow.RestClient.Retry;
import dev.mlops.spi.RegistryBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link RegistryBackend} over MLflow's model registry REST API ({@code registered-models/*},
 * {@code model-versions/*}), one call per method. Thread-safe. Made by {@link
 * MlflowRegistryProvider}.
 */
final class MlflowRegistryBackend implements RegistryBackend {

  /** MLflow's largest page for registered-model searches. */
  static final int MAX_REGISTERED_MODELS_PAGE = 1000;

  private final RestClient rest;

  MlflowRegistryBackend(RestClient rest) {
    this.rest = rest;
  }

  @Override
  public RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags) {
    ObjectNode body = Json.object().put("name", name);
    if (!tags.isEmpty()) {
      body.set("tags", Json.keyValueArray(tags));
    }
    if (description != null) {
      body.put("description", description);
    }
    JsonNode response = rest.post("mlflow/registered-models/create", body, Retry.UNSAFE);
    return Wire.registeredModel(response.path("registered_model"));
  }

  @Override
  public Optional<RegisteredModel> getRegisteredModel(String name) {
    return find(
        () ->
            Wire.registeredModel(
                rest.get("mlflow/registered-models/get", Map.of("name", name))
                    .path("registered_model")));
  }

  @Override
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    JsonNode response =
        rest.post(
            "mlflow/registered-models/rename",
            Json.object().put("name", name).put("new_name", newName),
            Retry.UNSAFE);
    return Wire.registeredModel(response.path("registered_model"));
  }

  @Override
  public RegisteredModel updateRegisteredModel(String name, @Nullable String description) {
    JsonNode response =
        rest.patch(
            "mlflow/registered-models/update",
            Json.object()
                .put("name", name)
                .put("description", description == null ? "" : description),
            Retry.SAFE);
    return Wire.registeredModel(response.path("registered_model"));
  }

  @Override
  public void deleteRegisteredModel(String name) {
    rest.delete("mlflow/registered-models/delete", Json.object().put("name", name), Retry.UNSAFE);
  }

  @Override
  public void setRegisteredModelTag(String name, String key, String value) {
    rest.post(
        "mlflow/registered-models/set-tag",
        Json.object().put("name", name).put("key", key).put("value", value),
        Retry.SAFE);
  }

  @Override
  public void deleteRegisteredModelTag(String name, String key) {
    rest.delete(
        "mlflow/registered-models/delete-tag",
        Json.object().put("name", name).put("key", key),
        Retry.SAFE);
  }

  /** Pages larger than MLflow's limit of 1,000 are asked for as 1,000; the token continues. */
  @Override
  public Page<RegisteredModel> searchRegisteredModels(SearchQuery query) {
    JsonNode response =
        rest.get(
            "mlflow/registered-models/search",
            searchParams(query, Math.min(query.maxResults(), MAX_REGISTERED_MODELS_PAGE)));
    List<RegisteredModel> items = new ArrayList<>();
    for (JsonNode m : Json.list(response, "registered_models")) {
      items.add(Wire.registeredModel(m));
    }
    return new Page<>(items, Wire.pageToken(response));
  }

  /**
   * Sends {@code source} as the user gave it ({@code runs:/...} included), as MLflow's own clients
   * accept; {@link #getModelVersionDownloadUri} resolves it again when the server does not.
   */
  @Override
  public ModelVersion createModelVersion(
      String name,
      String source,
      String storageLocation,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags) {
    ObjectNode body = Json.object().put("name", name).put("source", source);
    if (runId != null) {
      body.put("run_id", runId);
    }
    if (!tags.isEmpty()) {
      body.set("tags", Json.keyValueArray(tags));
    }
    if (description != null) {
      body.put("description", description);
    }
    JsonNode response = rest.post("mlflow/model-versions/create", body, Retry.UNSAFE);
    return Wire.modelVersion(response.path("model_version"));
  }

  @Override
  public Optional<ModelVersion> getModelVersion(String name, int version) {
    return find(
        () ->
            Wire.modelVersion(
                rest.get(
                        "mlflow/model-versions/get",
                        Map.of("name", name, "version", String.valueOf(version)))
                    .path("model_version")));
  }

  /**
   * The server's download URI; a {@code runs:/<id>/<path>} answer (what MLflow keeps for versions
   * registered from a run URI) is resolved to the run's artifact URI.
   */
  @Override
  public String getModelVersionDownloadUri(String name, int version) {
    String uri =
        Json.text(
            rest.get(
                "mlflow/model-versions/get-download-uri",
                Map.of("name", name, "version", String.valueOf(version))),
            "artifact_uri");
    return RunsUri.isRunsUri(uri) ? RunsUri.resolve(uri, rest) : uri;
  }

  @Override
  public ModelVersion updateModelVersion(String name, int version, @Nullable String description) {
    JsonNode response =
        rest.patch(
            "mlflow/model-versions/update",
            versionBody(name, version).put("description", description == null ? "" : description),
            Retry.SAFE);
    return Wire.modelVersion(response.path("model_version"));
  }

  @Override
  public void deleteModelVersion(String name, int version) {
    rest.delete("mlflow/model-versions/delete", versionBody(name, version), Retry.UNSAFE);
  }

  @Override
  public void setModelVersionTag(String name, int version, String key, String value) {
    rest.post(
        "mlflow/model-versions/set-tag",
        versionBody(name, version).put("key", key).put("value", value),
        Retry.SAFE);
  }

  @Override
  public void deleteModelVersionTag(String name, int version, String key) {
    rest.delete(
        "mlflow/model-versions/delete-tag", versionBody(name, version).put("key", key), Retry.SAFE);
  }

  @Override
  public Page<ModelVersion> searchModelVersions(SearchQuery query) {
    JsonNode response =
        rest.get("mlflow/model-versions/search", searchParams(query, query.maxResults()));
    List<ModelVersion> items = new ArrayList<>();
    for (JsonNode v : Json.list(response, "model_versions")) {
      items.add(Wire.modelVersion(v));
    }
    return new Page<>(items, Wire.pageToken(response));
  }

  @Override
  public void setAlias(String name, String alias, int version) {
    rest.post(
        "mlflow/registered-models/alias",
        Json.object().put("name", name).put("alias", alias).put("version", String.valueOf(version)),
        Retry.SAFE);
  }

  @Override
  public void deleteAlias(String name, String alias) {
    rest.delete(
        "mlflow/registered-models/alias",
        Json.object().put("name", name).put("alias", alias),
        Retry.SAFE);
  }

  @Override
  public Optional<ModelVersion> getModelVersionByAlias(String name, String alias) {
    return find(
        () ->
            Wire.modelVersion(
                rest.get("mlflow/registered-models/alias", Map.of("name", name, "alias", alias))
                    .path("model_version")));
  }

  @Override
  public ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    JsonNode response =
        rest.post(
            "mlflow/model-versions/transition-stage",
            versionBody(name, version)
                .put("stage", stage.wireName())
                .put("archive_existing_versions", archiveExistingVersions),
            Retry.SAFE);
    return Wire.modelVersion(response.path("model_version"));
  }

  @Override
  public List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages) {
    ObjectNode body = Json.object().put("name", name);
    if (!stages.isEmpty()) {
      ArrayNode array = body.putArray("stages");
      stages.forEach(s -> array.add(s.wireName()));
    }
    JsonNode response = rest.post("mlflow/registered-models/get-latest-versions", body, Retry.SAFE);
    List<ModelVersion> versions = new ArrayList<>();
    for (JsonNode v : Json.list(response, "model_versions")) {
      versions.add(Wire.modelVersion(v));
    }
    return versions;
  }

  @Override
  public void close() {
    // The HTTP client is shared and closed with the Mlops that owns it.
  }

  @Override
  public String toString() {
    return "MlflowRegistryBackend[" + rest.base() + "]";
  }

  private static ObjectNode versionBody(String name, int version) {
    return Json.object().put("name", name).put("version", String.valueOf(version));
  }

  private static Map<String, Object> searchParams(SearchQuery query, int maxResults) {
    Map<String, Object> params = new LinkedHashMap<>();
    if (!query.filter().isBlank()) {
      params.put("filter", query.filter());
    }
    params.put("max_results", maxResults);
    if (!query.orderBy().isEmpty()) {
      params.put("order_by", query.orderBy());
    }
    params.put("page_token", query.pageToken());
    return params;
  }
}
