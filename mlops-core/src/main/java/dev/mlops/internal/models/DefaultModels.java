package dev.mlops.internal.models;

import dev.mlops.ArtifactStore;
import dev.mlops.ModelVersion;
import dev.mlops.Models;
import dev.mlops.ResolvedModel;
import dev.mlops.internal.artifacts.ArtifactLocation;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.internal.artifacts.ArtifactUri;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The {@link Models} facade: parses model URIs ({@link ModelUri}), resolves them through the
 * registry or the tracking backend, and downloads through a {@link ModelCache}.
 *
 * <p>Cache keys: a registered version is keyed by its artifact URI, name and version, so it is
 * downloaded once and then served from the cache. A {@code runs:/} URI is keyed by the run's
 * artifact URI alone; runs may still gain files after a first download, which the cache does not
 * notice: download a registered version when that matters. The registry backend is only created
 * when a {@code models:/} URI is used. Thread-safe.
 */
public final class DefaultModels implements Models {

  private final Supplier<RegistryBackend> registry;
  private final TrackingBackend tracking;
  private final ArtifactStores stores;
  private final ModelCache cache;

  public DefaultModels(
      Supplier<RegistryBackend> registry,
      TrackingBackend tracking,
      ArtifactStores stores,
      Path cacheDir) {
    this.registry = registry;
    this.tracking = tracking;
    this.stores = stores;
    this.cache = new ModelCache(cacheDir);
  }

  @Override
  public ResolvedModel resolve(String modelUri) {
    ModelUri parsed = ModelUri.parse(modelUri);
    if (parsed instanceof ModelUri.FromRun run) {
      return new ResolvedModel(modelUri, null, run.artifact().resolve(tracking));
    }
    RegistryBackend backend = registry.get();
    ModelVersion version = new ModelLookup(backend).resolve((ModelUri.Registered) parsed);
    return new ResolvedModel(
        modelUri, version, backend.getModelVersionDownloadUri(version.name(), version.version()));
  }

  @Override
  public Path download(String modelUri) {
    ResolvedModel resolved = resolve(modelUri);
    String artifactUri = resolved.artifactUri();
    String key =
        resolved
            .modelVersion()
            .map(v -> artifactUri + "\n" + v.name() + "\n" + v.version())
            .orElse(artifactUri);
    return cache.get(key, dir -> fetch(artifactUri, dir));
  }

  private Path fetch(String artifactUri, Path dir) {
    String concrete =
        ArtifactUri.isRuns(artifactUri)
            ? ArtifactUri.parseRuns(artifactUri).resolve(tracking)
            : artifactUri;
    ArtifactLocation location = ArtifactUri.split(concrete);
    try (ArtifactStore store = stores.open(location.rootUri())) {
      return location.path().isEmpty()
          ? store.download("", dir.resolve("model"))
          : store.download(location.path(), dir);
    }
  }
}
