package dev.mlops.internal.models;

import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.RegisteredModel;
import dev.mlops.spi.RegistryBackend;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Looks up registered models and versions in a {@link RegistryBackend}, turning "absent" into a
 * {@link NotFoundException} whose message names what is missing and what exists. Shared by the
 * registry facade and model URI resolution; arguments are validated by the caller.
 */
public final class ModelLookup {

  private final RegistryBackend registry;

  public ModelLookup(RegistryBackend registry) {
    this.registry = registry;
  }

  /** The registered model {@code name}. */
  public RegisteredModel model(String name) {
    return registry
        .getRegisteredModel(name)
        .orElseThrow(() -> new NotFoundException(modelNotFound(name)));
  }

  /** Version {@code version} of {@code name}. */
  public ModelVersion version(String name, int version) {
    return registry
        .getModelVersion(name, version)
        .orElseThrow(
            () -> {
              model(name);
              return new NotFoundException(
                  "Version "
                      + version
                      + " of registered model '"
                      + name
                      + "' not found: it was never created or has been deleted. List its versions"
                      + " with registry.searchModelVersions(SearchQuery.filter(\"name = '"
                      + name
                      + "'\")).");
            });
  }

  /** The version {@code alias} points at. */
  public ModelVersion byAlias(String name, String alias) {
    return registry
        .getModelVersionByAlias(name, alias)
        .orElseThrow(
            () -> {
              TreeSet<String> aliases = new TreeSet<>(model(name).aliases().keySet());
              String existing =
                  aliases.isEmpty()
                      ? "it has no aliases yet; set one with registry.setAlias(\""
                          + name
                          + "\", \""
                          + alias
                          + "\", <version>)."
                      : "its aliases are " + aliases + ".";
              return new NotFoundException(
                  "Alias '"
                      + alias
                      + "' is not set on registered model '"
                      + name
                      + "': "
                      + existing);
            });
  }

  /** The newest version of {@code name} in {@code stage}. */
  public ModelVersion latestIn(String name, ModelStage stage) {
    List<ModelVersion> versions = registry.getLatestVersions(name, List.of(stage));
    return versions.stream()
        .filter(v -> v.stage() == stage)
        .max(Comparator.comparingInt(ModelVersion::version))
        .orElseThrow(
            () -> {
              model(name);
              return new NotFoundException(
                  "No version of registered model '"
                      + name
                      + "' is in stage "
                      + stage.wireName()
                      + ": move one there with registry.transitionModelVersionStage(...), or"
                      + " point an alias at it and use models:/"
                      + name
                      + "@<alias>.");
            });
  }

  /** The highest version of {@code name}, whatever its stage. */
  public ModelVersion latest(String name) {
    return registry.getLatestVersions(name, List.of()).stream()
        .max(Comparator.comparingInt(ModelVersion::version))
        .orElseThrow(
            () -> {
              model(name);
              return new NotFoundException(
                  "Registered model '"
                      + name
                      + "' has no versions yet: register one with registry.registerModel(source, \""
                      + name
                      + "\").");
            });
  }

  /** The version a registered model URI points at now. */
  public ModelVersion resolve(ModelUri.Registered uri) {
    if (uri instanceof ModelUri.Version v) {
      return version(v.name(), v.version());
    }
    if (uri instanceof ModelUri.Alias a) {
      return byAlias(a.name(), a.alias());
    }
    if (uri instanceof ModelUri.Stage s) {
      return latestIn(s.name(), s.stage());
    }
    return latest(uri.name());
  }

  /** The message for a missing registered model. */
  public static String modelNotFound(String name) {
    return "Registered model '"
        + name
        + "' not found; create it with registry.createRegisteredModel(\""
        + name
        + "\") or registerModel(...).";
  }
}
