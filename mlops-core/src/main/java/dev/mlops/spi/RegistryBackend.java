package dev.mlops.spi;

import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Stores registered models, versions, aliases and stages. Core validates names, aliases and
 * versions first; a backend maps its own failures to the {@link dev.mlops.MlopsException} family.
 *
 * <p>Must be thread-safe. Made by a {@link RegistryBackendProvider}.
 */
public interface RegistryBackend extends AutoCloseable {

  RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags);

  Optional<RegisteredModel> getRegisteredModel(String name);

  RegisteredModel renameRegisteredModel(String name, String newName);

  RegisteredModel updateRegisteredModel(String name, @Nullable String description);

  void deleteRegisteredModel(String name);

  void setRegisteredModelTag(String name, String key, String value);

  void deleteRegisteredModelTag(String name, String key);

  Page<RegisteredModel> searchRegisteredModels(SearchQuery query);

  /**
   * Creates the next version of {@code name}.
   *
   * @param source artifact URI as given by the user (e.g. {@code runs:/<id>/model})
   * @param storageLocation the resolved artifact URI (never {@code runs:/})
   */
  ModelVersion createModelVersion(
      String name,
      String source,
      String storageLocation,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags);

  Optional<ModelVersion> getModelVersion(String name, int version);

  /** Where the files of a version are stored (its resolved storage location). */
  String getModelVersionDownloadUri(String name, int version);

  ModelVersion updateModelVersion(String name, int version, @Nullable String description);

  void deleteModelVersion(String name, int version);

  void setModelVersionTag(String name, int version, String key, String value);

  void deleteModelVersionTag(String name, int version, String key);

  Page<ModelVersion> searchModelVersions(SearchQuery query);

  void setAlias(String name, String alias, int version);

  void deleteAlias(String name, String alias);

  Optional<ModelVersion> getModelVersionByAlias(String name, String alias);

  ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions);

  /** Newest version per stage; every stage when {@code stages} is empty. */
  List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages);

  @Override
  void close();
}
