package dev.mlops;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Registered models, their versions, aliases and stages. Get it from {@link Mlops#registry()}.
 *
 * <pre>{@code
 * ModelVersion v = registry.registerModel("runs:/" + runId + "/model", "fraud");
 * registry.setAlias("fraud", "champion", v.version());
 * ModelVersion champion = registry.getModelVersionByAlias("fraud", "champion");
 * }</pre>
 *
 * <p>Aliases: {@code ^[\w\-]*$}, at most 255 characters, not {@code latest}, not {@code v<digits>}.
 * Thread-safe.
 */
public interface ModelRegistry {

  // ---- registered models

  /** Creates a registered model. @throws AlreadyExistsException when the name is taken */
  RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags);

  /** Creates a registered model without description or tags. */
  default RegisteredModel createRegisteredModel(String name) {
    return createRegisteredModel(name, null, Map.of());
  }

  /** The registered model with this name. @throws NotFoundException when there is none */
  RegisteredModel getRegisteredModel(String name);

  /** The registered model with this name, empty when there is none. */
  Optional<RegisteredModel> findRegisteredModel(String name);

  /** Renames a model; its versions and aliases follow. */
  RegisteredModel renameRegisteredModel(String name, String newName);

  /** Replaces the description. */
  RegisteredModel updateRegisteredModel(String name, @Nullable String description);

  /** Deletes a model with all its versions, tags and aliases. */
  void deleteRegisteredModel(String name);

  void setRegisteredModelTag(String name, String key, String value);

  void deleteRegisteredModelTag(String name, String key);

  /** One page of registered models. */
  Page<RegisteredModel> searchRegisteredModels(SearchQuery query);

  // ---- versions

  /**
   * Registers {@code source} as a new version of {@code name}, creating the registered model when
   * missing.
   *
   * @param source {@code runs:/<runId>/<path>} or any artifact URI
   */
  ModelVersion registerModel(String source, String name);

  /**
   * Creates a new version of an existing registered model.
   *
   * @param runId the run that produced it; taken from {@code source} when that is a {@code runs:/}
   *     URI and this is null
   */
  ModelVersion createModelVersion(
      String name,
      String source,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags);

  /** One version. @throws NotFoundException when the model or version does not exist */
  ModelVersion getModelVersion(String name, int version);

  /** Replaces a version's description. */
  ModelVersion updateModelVersion(String name, int version, @Nullable String description);

  /** Deletes a version and the aliases that point at it. */
  void deleteModelVersion(String name, int version);

  void setModelVersionTag(String name, int version, String key, String value);

  void deleteModelVersionTag(String name, int version, String key);

  /** One page of model versions. */
  Page<ModelVersion> searchModelVersions(SearchQuery query);

  // ---- aliases and stages

  /** Points {@code alias} at {@code version}, moving it if it pointed elsewhere. */
  void setAlias(String name, String alias, int version);

  /** Removes an alias. */
  void deleteAlias(String name, String alias);

  /** The version {@code alias} points at. @throws NotFoundException when the alias is not set */
  ModelVersion getModelVersionByAlias(String name, String alias);

  /**
   * Moves a version to {@code stage}.
   *
   * @param archiveExistingVersions when true, other versions in that stage (Staging or Production)
   *     move to Archived
   */
  ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions);

  /**
   * The newest version in each of {@code stages}; every stage when {@code stages} is empty. Ordered
   * by stage.
   */
  List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages);
}
