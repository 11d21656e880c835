package dev.mlops.internal.artifacts;

import dev.mlops.ArtifactStore;
import dev.mlops.Artifacts;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.Models;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link Artifacts} facade: resolves {@code runs:/} URIs through the tracking backend and
 * {@code models:/} URIs through {@link Models}, then opens the store for the concrete URI.
 *
 * <p>{@link #list} and {@link #download} take a URI that names a file or directory: a {@code
 * runs:/<id>/<path>} URI opens the run's store and uses {@code <path>}, so listed paths are
 * relative to the run's artifact root, as in MLflow; any other URI opens the store at its parent
 * and uses its last segment. Thread-safe.
 */
public final class DefaultArtifacts implements Artifacts {

  private final ArtifactStores stores;
  private final TrackingBackend tracking;
  private final Supplier<Models> models;

  public DefaultArtifacts(
      ArtifactStores stores, TrackingBackend tracking, Supplier<Models> models) {
    this.stores = stores;
    this.tracking = tracking;
    this.models = models;
  }

  @Override
  public ArtifactStore store(String artifactUri) {
    return stores.open(concrete(artifactUri));
  }

  @Override
  public ArtifactStore forRun(String runId) {
    return stores.open(RunArtifact.artifactRoot(tracking, runId));
  }

  @Override
  public List<FileInfo> list(String artifactUri) {
    ArtifactLocation location = locate(artifactUri);
    try (ArtifactStore store = stores.open(location.rootUri())) {
      return store.list(location.path());
    }
  }

  @Override
  public Path download(String artifactUri, Path targetDir) {
    ArtifactLocation location = locate(artifactUri);
    try (ArtifactStore store = stores.open(location.rootUri())) {
      return store.download(location.path(), targetDir);
    }
  }

  /** The concrete URI behind {@code uri}: runs:/ and models:/ resolved, others as they are. */
  private String concrete(String uri) {
    if (ArtifactUri.isRuns(uri)) {
      return ArtifactUri.parseRuns(uri).resolve(tracking);
    }
    if (ArtifactUri.isModels(uri)) {
      return resolvedModelUri(uri);
    }
    return uri;
  }

  private ArtifactLocation locate(String uri) {
    if (uri.isBlank()) {
      throw new InvalidInputException(
          "Artifact URI must not be empty: use e.g. runs:/<run_id>/model or file:///data/model.");
    }
    if (ArtifactUri.isRuns(uri)) {
      RunArtifact artifact = ArtifactUri.parseRuns(uri);
      return new ArtifactLocation(
          RunArtifact.artifactRoot(tracking, artifact.runId()), artifact.path());
    }
    if (ArtifactUri.isModels(uri)) {
      return ArtifactUri.split(resolvedModelUri(uri));
    }
    return ArtifactUri.split(uri);
  }

  private String resolvedModelUri(String modelUri) {
    String resolved = models.get().resolve(modelUri).artifactUri();
    return ArtifactUri.isRuns(resolved)
        ? ArtifactUri.parseRuns(resolved).resolve(tracking)
        : resolved;
  }
}
