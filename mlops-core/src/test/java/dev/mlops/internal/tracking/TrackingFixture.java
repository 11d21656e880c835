package dev.mlops.internal.tracking;

import dev.mlops.ArtifactStore;
import dev.mlops.MlopsConfig;
import dev.mlops.internal.Providers;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.spi.BackendContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link DefaultTracking} over a {@link FakeTrackingBackend}, with {@code file:} artifacts served
 * by {@link LocalTestArtifactStore} under a temporary directory. Closing it closes the tracking and
 * opens any gate the test left closed.
 */
final class TrackingFixture implements AutoCloseable {

  private static final String SERVICE =
      "META-INF/services/" + dev.mlops.spi.ArtifactStoreProvider.class.getName();

  final FakeTrackingBackend backend;
  final DefaultTracking tracking;
  final MlopsConfig config;
  final Path artifactRoot;

  TrackingFixture(Path tempDir) {
    this(tempDir, 100_000, Duration.ofSeconds(30), Map.of("USER", "alice"));
  }

  TrackingFixture(
      Path tempDir, int queueCapacity, Duration closeTimeout, Map<String, String> settings) {
    try {
      this.artifactRoot = Files.createDirectories(tempDir.resolve("mlruns"));
      Path services = tempDir.resolve("services.txt");
      Files.writeString(services, LocalTestArtifactStore.Provider.class.getName() + "\n");
      ClassLoader loader = new ServiceLoaderOverride(services.toUri().toURL());
      this.backend = new FakeTrackingBackend(artifactRoot.toUri().toString());
      this.config =
          new MlopsConfig(
              "fake:",
              "fake:",
              null,
              tempDir.resolve("cache"),
              tempDir,
              queueCapacity,
              closeTimeout,
              settings);
      ArtifactStores stores =
          new ArtifactStores(new Providers(loader), self -> new Context(self, tempDir));
      this.tracking = new DefaultTracking(backend, stores, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local directory behind a run's artifact URI. */
  static Path artifactDir(String artifactUri) {
    return Path.of(URI.create(artifactUri));
  }

  @Override
  public void close() {
    backend.close();
    tracking.close();
  }

  /** Serves only the test provider for the artifact-store service file. */
  private static final class ServiceLoaderOverride extends ClassLoader {
    private final URL services;

    ServiceLoaderOverride(URL services) {
      super(TrackingFixture.class.getClassLoader());
      this.services = services;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      if (name.equals(SERVICE)) {
        return Collections.enumeration(List.of(services));
      }
      return super.getResources(name);
    }
  }

  private record Context(ArtifactStores stores, Path workingDirectory) implements BackendContext {
    @Override
    public String uri() {
      return "fake:";
    }

    @Override
    public URI parsedUri() {
      return URI.create("fake:x");
    }

    @Override
    public Optional<String> setting(String name) {
      return Optional.empty();
    }

    @Override
    public Optional<String> artifactRoot() {
      return Optional.empty();
    }

    @Override
    public <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> factory) {
      return factory.get();
    }

    @Override
    public ArtifactStore artifactStore(String artifactUri) {
      return stores.open(artifactUri);
    }
  }
}
