package dev.mlops.internal.registry;

import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.ModelRegistry;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.internal.Uris;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.ArtifactUri;
import dev.mlops.internal.artifacts.RunArtifact;
import dev.mlops.internal.models.ModelLookup;
import dev.mlops.internal.models.ModelUri;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ModelRegistry} facade: validates every argument with {@link Validation} before the
 * backend sees it, turns "absent" answers into {@link dev.mlops.NotFoundException}s that say what
 * exists, and resolves a version's storage location from its source:
 *
 * <ul>
 *   <li>{@code runs:/<runId>/<path>}: the run's artifact URI joined with the path; the run id is
 *       taken from the source when none is given;
 *   <li>{@code models:/...}: the storage location of the version it points at;
 *   <li>any other URI: itself.
 * </ul>
 *
 * <p>Thread-safe when the backend is.
 */
public final class DefaultModelRegistry implements ModelRegistry {

  private final RegistryBackend registry;
  private final TrackingBackend tracking;
  private final ModelLookup lookup;

  public DefaultModelRegistry(RegistryBackend registry, TrackingBackend tracking) {
    this.registry = registry;
    this.tracking = tracking;
    this.lookup = new ModelLookup(registry);
  }

  // ---- registered models

  @Override
  public RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags) {
    Validation.modelName(name);
    Validation.description(description);
    validateTags(tags);
    return registry.createRegisteredModel(name, description, tags);
  }

  @Override
  public RegisteredModel getRegisteredModel(String name) {
    return lookup.model(Validation.modelName(name));
  }

  @Override
  public Optional<RegisteredModel> findRegisteredModel(String name) {
    return registry.getRegisteredModel(Validation.modelName(name));
  }

  @Override
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    Validation.modelName(name);
    Validation.modelName(newName);
    return registry.renameRegisteredModel(name, newName);
  }

  @Override
  public RegisteredModel updateRegisteredModel(String name, @Nullable String description) {
    Validation.modelName(name);
    Validation.description(description);
    return registry.updateRegisteredModel(name, description);
  }

  @Override
  public void deleteRegisteredModel(String name) {
    registry.deleteRegisteredModel(Validation.modelName(name));
  }

  @Override
  public void setRegisteredModelTag(String name, String key, String value) {
    Validation.modelName(name);
    Validation.key("Tag", key);
    Validation.tagValue(key, value);
    registry.setRegisteredModelTag(name, key, value);
  }

  @Override
  public void deleteRegisteredModelTag(String name, String key) {
    Validation.modelName(name);
    Validation.key("Tag", key);
    registry.deleteRegisteredModelTag(name, key);
  }

  @Override
  public Page<RegisteredModel> searchRegisteredModels(SearchQuery query) {
    return registry.searchRegisteredModels(query);
  }

  // ---- versions

  @Override
  public ModelVersion registerModel(String source, String name) {
    Validation.modelName(name);
    StorageLocation location = storageLocation(source, null);
    if (registry.getRegisteredModel(name).isEmpty()) {
      try {
        registry.createRegisteredModel(name, null, Map.of());
      } catch (AlreadyExistsException createdMeanwhile) {
        // another caller created it between the check and here: use it
      }
    }
    return registry.createModelVersion(
        name, source, location.uri(), location.runId(), null, Map.of());
  }

  @Override
  public ModelVersion createModelVersion(
      String name,
      String source,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags) {
    Validation.modelName(name);
    if (runId != null) {
      Validation.id("Run", runId);
    }
    Validation.description(description);
    validateTags(tags);
    StorageLocation location = storageLocation(source, runId);
    return registry.createModelVersion(
        name, source, location.uri(), location.runId(), description, tags);
  }

  @Override
  public ModelVersion getModelVersion(String name, int version) {
    Validation.modelName(name);
    Validation.version(name, version);
    return lookup.version(name, version);
  }

  @Override
  public ModelVersion updateModelVersion(String name, int version, @Nullable String description) {
    Validation.modelName(name);
    Validation.version(name, version);
    Validation.description(description);
    return registry.updateModelVersion(name, version, description);
  }

  @Override
  public void deleteModelVersion(String name, int version) {
    Validation.modelName(name);
    Validation.version(name, version);
    registry.deleteModelVersion(name, version);
  }

  @Override
  public void setModelVersionTag(String name, int version, String key, String value) {
    Validation.modelName(name);
    Validation.version(name, version);
    Validation.key("Tag", key);
    Validation.tagValue(key, value);
    registry.setModelVersionTag(name, version, key, value);
  }

  @Override
  public void deleteModelVersionTag(String name, int version, String key) {
    Validation.modelName(name);
    Validation.version(name, version);
    Validation.key("Tag", key);
    registry.deleteModelVersionTag(name, version, key);
  }

  @Override
  public Page<ModelVersion> searchModelVersions(SearchQuery query) {
    return registry.searchModelVersions(query);
  }

  // ---- aliases and stages

  @Override
  public void setAlias(String name, String alias, int version) {
    Validation.modelName(name);
    Validation.alias(alias);
    Validation.version(name, version);
    registry.setAlias(name, alias, version);
  }

  @Override
  public void deleteAlias(String name, String alias) {
    Validation.modelName(name);
    Validation.alias(alias);
    registry.deleteAlias(name, alias);
  }

  @Override
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    Validation.modelName(name);
    Validation.alias(alias);
    return lookup.byAlias(name, alias);
  }

  @Override
  public ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    Validation.modelName(name);
    Validation.version(name, version);
    return registry.transitionModelVersionStage(name, version, stage, archiveExistingVersions);
  }

  @Override
  public List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages) {
    Validation.modelName(name);
    return registry.getLatestVersions(name, List.copyOf(stages));
  }

  // ---- helpers

  /** Where a version's files are, and which run produced it. */
  private record StorageLocation(String uri, @Nullable String runId) {}

  private StorageLocation storageLocation(@Nullable String source, @Nullable String runId) {
    if (source == null || source.isBlank()) {
      throw new InvalidInputException(
          "Model source must not be empty: pass the artifact URI of the model, e.g."
              + " runs:/<run_id>/model or s3://bucket/path/model.");
    }
    if (ArtifactUri.isRuns(source)) {
      RunArtifact artifact = ArtifactUri.parseRuns(source);
      String id = runId != null ? runId : artifact.runId();
      return new StorageLocation(artifact.resolve(tracking), id);
    }
    if (ArtifactUri.isModels(source)) {
      ModelUri parsed = ModelUri.parse(source);
      ModelVersion from = lookup.resolve((ModelUri.Registered) parsed);
      return new StorageLocation(
          registry.getModelVersionDownloadUri(from.name(), from.version()), runId);
    }
    if (source.indexOf('\0') >= 0) {
      throw new InvalidInputException("Model source contains a NUL character; remove it.");
    }
    Uris.scheme(source);
    return new StorageLocation(source, runId);
  }

  private static void validateTags(Map<String, String> tags) {
    tags.forEach(
        (key, value) -> {
          Validation.key("Tag", key);
          Validation.tagValue(key, value);
        });
  }
}
