package dev.mlops.internal.registry;

import dev.mlops.AlreadyExistsException;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.SearchQuery;
import dev.mlops.spi.RegistryBackend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory registry backend that records every call, so tests can check that invalid input
 * never reaches it. Search and rename are not supported.
 */
public final class FakeRegistry implements RegistryBackend {

  /** One stored version and its storage location. */
  private record Stored(ModelVersion version, String storageLocation) {}

  private final Map<String, RegisteredModel> models = new HashMap<>();
  private final Map<String, TreeMap<Integer, Stored>> versions = new HashMap<>();
  private final Map<String, Map<String, Integer>> aliases = new HashMap<>();
  private final List<String> calls = new ArrayList<>();
  private boolean hideNextLookup;

  /** Names of the methods called so far, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** The storage location passed when version {@code version} of {@code name} was created. */
  public synchronized String storageLocation(String name, int version) {
    return versions.get(name).get(version).storageLocation();
  }

  /** Makes the next {@link #getRegisteredModel} answer "absent", as if racing another creator. */
  public synchronized void hideNextLookup() {
    hideNextLookup = true;
  }

  private void call(String name) {
    calls.add(name);
  }

  private RegisteredModel model(String name) {
    RegisteredModel m = models.get(name);
    if (m == null) {
      throw new NotFoundException("backend: no model " + name);
    }
    return new RegisteredModel(
        name, 1, 1, m.description(), m.tags(), aliases.getOrDefault(name, Map.of()));
  }

  private Stored stored(String name, int version) {
    Stored s = versions.getOrDefault(name, new TreeMap<>()).get(version);
    if (s == null) {
      throw new NotFoundException("backend: no version " + name + "/" + version);
    }
    return s;
  }

  private ModelVersion withAliases(ModelVersion v) {
    List<String> names = new ArrayList<>();
    aliases
        .getOrDefault(v.name(), Map.of())
        .forEach(
            (alias, version) -> {
              if (version == v.version()) {
                names.add(alias);
              }
            });
    return new ModelVersion(
        v.name(),
        v.version(),
        1,
        1,
        v.description(),
        v.source(),
        v.runId(),
        v.status(),
        v.stage(),
        v.tags(),
        names);
  }

  @Override
  public synchronized RegisteredModel createRegisteredModel(
      String name, @Nullable String description, Map<String, String> tags) {
    call("createRegisteredModel");
    if (models.containsKey(name)) {
      throw new AlreadyExistsException("backend: model " + name + " exists");
    }
    models.put(name, new RegisteredModel(name, 1, 1, description, tags, Map.of()));
    versions.put(name, new TreeMap<>());
    return model(name);
  }

  @Override
  public synchronized Optional<RegisteredModel> getRegisteredModel(String name) {
    call("getRegisteredModel");
    if (hideNextLookup) {
      hideNextLookup = false;
      return Optional.empty();
    }
    return models.containsKey(name) ? Optional.of(model(name)) : Optional.empty();
  }

  @Override
  public synchronized RegisteredModel renameRegisteredModel(String name, String newName) {
    call("renameRegisteredModel");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized RegisteredModel updateRegisteredModel(
      String name, @Nullable String description) {
    call("updateRegisteredModel");
    RegisteredModel m = model(name);
    models.put(name, new RegisteredModel(name, 1, 1, description, m.tags(), Map.of()));
    return model(name);
  }

  @Override
  public synchronized void deleteRegisteredModel(String name) {
    call("deleteRegisteredModel");
    model(name);
    models.remove(name);
    versions.remove(name);
    aliases.remove(name);
  }

  @Override
  public synchronized void setRegisteredModelTag(String name, String key, String value) {
    call("setRegisteredModelTag");
    RegisteredModel m = model(name);
    Map<String, String> tags = new HashMap<>(m.tags());
    tags.put(key, value);
    models.put(name, new RegisteredModel(name, 1, 1, m.description(), tags, Map.of()));
  }

  @Override
  public synchronized void deleteRegisteredModelTag(String name, String key) {
    call("deleteRegisteredModelTag");
    RegisteredModel m = model(name);
    Map<String, String> tags = new HashMap<>(m.tags());
    tags.remove(key);
    models.put(name, new RegisteredModel(name, 1, 1, m.description(), tags, Map.of()));
  }

  @Override
  public synchronized Page<RegisteredModel> searchRegisteredModels(SearchQuery query) {
    call("searchRegisteredModels");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized ModelVersion createModelVersion(
      String name,
      String source,
      String storageLocation,
      @Nullable String runId,
      @Nullable String description,
      Map<String, String> tags) {
    call("createModelVersion");
    model(name);
    TreeMap<Integer, Stored> list = versions.get(name);
    int next = list.isEmpty() ? 1 : list.lastKey() + 1;
    ModelVersion v =
        new ModelVersion(
            name,
            next,
            1,
            1,
            description,
            source,
            runId,
            "READY",
            ModelStage.NONE,
            tags,
            List.of());
    list.put(next, new Stored(v, storageLocation));
    return v;
  }

  @Override
  public synchronized Optional<ModelVersion> getModelVersion(String name, int version) {
    call("getModelVersion");
    Stored s = versions.getOrDefault(name, new TreeMap<>()).get(version);
    return s == null ? Optional.empty() : Optional.of(withAliases(s.version()));
  }

  @Override
  public synchronized String getModelVersionDownloadUri(String name, int version) {
    call("getModelVersionDownloadUri");
    return stored(name, version).storageLocation();
  }

  @Override
  public synchronized ModelVersion updateModelVersion(
      String name, int version, @Nullable String description) {
    call("updateModelVersion");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void deleteModelVersion(String name, int version) {
    call("deleteModelVersion");
    stored(name, version);
    versions.get(name).remove(version);
    aliases.getOrDefault(name, new HashMap<>()).values().removeIf(v -> v == version);
  }

  @Override
  public synchronized void setModelVersionTag(String name, int version, String key, String value) {
    call("setModelVersionTag");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void deleteModelVersionTag(String name, int version, String key) {
    call("deleteModelVersionTag");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized Page<ModelVersion> searchModelVersions(SearchQuery query) {
    call("searchModelVersions");
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void setAlias(String name, String alias, int version) {
    call("setAlias");
    stored(name, version);
    aliases.computeIfAbsent(name, k -> new HashMap<>()).put(alias, version);
  }

  @Override
  public synchronized void deleteAlias(String name, String alias) {
    call("deleteAlias");
    aliases.getOrDefault(name, new HashMap<>()).remove(alias);
  }

  @Override
  public synchronized Optional<ModelVersion> getModelVersionByAlias(String name, String alias) {
    call("getModelVersionByAlias");
    Integer v = aliases.getOrDefault(name, Map.of()).get(alias);
    return v == null ? Optional.empty() : Optional.of(withAliases(stored(name, v).version()));
  }

  @Override
  public synchronized ModelVersion transitionModelVersionStage(
      String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    call("transitionModelVersionStage");
    Stored s = stored(name, version);
    ModelVersion v = s.version();
    ModelVersion moved =
        new ModelVersion(
            name,
            version,
            1,
            1,
            v.description(),
            v.source(),
            v.runId(),
            v.status(),
            stage,
            v.tags(),
            List.of());
    versions.get(name).put(version, new Stored(moved, s.storageLocation()));
    return withAliases(moved);
  }

  @Override
  public synchronized List<ModelVersion> getLatestVersions(String name, List<ModelStage> stages) {
    call("getLatestVersions");
    model(name);
    List<ModelStage> wanted = stages.isEmpty() ? List.of(ModelStage.values()) : stages;
    List<ModelVersion> out = new ArrayList<>();
    for (ModelStage stage : wanted) {
      versions.get(name).descendingMap().values().stream()
          .map(Stored::version)
          .filter(v -> v.stage() == stage)
          .findFirst()
          .ifPresent(v -> out.add(withAliases(v)));
    }
    return out;
  }

  @Override
  public void close() {}
}
