package dev.mlops.internal.registry;

import dev.mlops.*;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Placeholder. */
public final class DefaultModelRegistry implements ModelRegistry {
  public DefaultModelRegistry(RegistryBackend registry, TrackingBackend tracking) {}

  @Override
  public RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public RegisteredModel getRegisteredModel(String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Optional<RegisteredModel> findRegisteredModel(String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public RegisteredModel updateRegisteredModel(String name, @Nullable String description) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteRegisteredModel(String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setRegisteredModelTag(String name, String key, String value) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteRegisteredModelTag(String name, String key) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Page<RegisteredModel> searchRegisteredModels(SearchQuery query) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion registerModel(String source, String name) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion createModelVersion(
      String name,
      String source,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion getModelVersion(String name, int version) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion updateModelVersion(String name, int version, @Nullable String description) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteModelVersion(String name, int version) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setModelVersionTag(String name, int version, String key, String value) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteModelVersionTag(String name, int version, String key) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Page<ModelVersion> searchModelVersions(SearchQuery query) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void setAlias(String name, String alias, int version) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public void deleteAlias(String name, String alias) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages) {
    throw new IllegalStateException("placeholder");
  }
}
