package dev.mlops.s3;

import dev.mlops.ArtifactStore;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** A {@link BackendContext} over a map of settings, sharing resources as an Mlops does. */
final class MapBackendContext implements BackendContext, AutoCloseable {

  private final Map<String, String> settings;
  private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

  MapBackendContext(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  @Override
  public String uri() {
    return "s3://unused";
  }

  @Override
  public URI parsedUri() {
    return URI.create(uri());
  }

  @Override
  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  @Override
  public Optional<String> artifactRoot() {
    return Optional.empty();
  }

  @Override
  public Path workingDirectory() {
    return Path.of(".");
  }

  @Override
  public synchronized <T extends AutoCloseable> T shared(
      String key, Class<T> type, Supplier<T> factory) {
    return type.cast(shared.computeIfAbsent(key, k -> factory.get()));
  }

  int sharedCount() {
    return shared.size();
  }

  @Override
  public ArtifactStore artifactStore(String artifactUri) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public void close() {
    for (AutoCloseable c : shared.values()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }
}
