package dev.mlops.internal;

import dev.mlops.ArtifactStore;
import dev.mlops.MlopsConfig;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link BackendContext} a provider gets for one URI of one {@link dev.mlops.Mlops}. */
final class DefaultBackendContext implements BackendContext {

  private final String uri;
  private final MlopsConfig config;
  private final SharedResources shared;
  private final ArtifactStores stores;

  DefaultBackendContext(
      String uri, MlopsConfig config, SharedResources shared, ArtifactStores stores) {
    this.uri = uri;
    this.config = config;
    this.shared = shared;
    this.stores = stores;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public URI parsedUri() {
    return Uris.parse(uri, config.workingDirectory());
  }

  @Override
  public Optional<String> setting(String name) {
    return config.setting(name);
  }

  @Override
  public Optional<String> artifactRoot() {
    return config.artifactRootUri();
  }

  @Override
  public Path workingDirectory() {
    return config.workingDirectory();
  }

  @Override
  public <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> factory) {
    return shared.get(key, type, factory);
  }

  @Override
  public ArtifactStore artifactStore(String artifactUri) {
    return stores.open(artifactUri);
  }
}
