package dev.mlops.internal.artifacts;

import dev.mlops.ArtifactStore;
import dev.mlops.internal.Providers;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link ArtifactStores} over the providers on the test class path, for tests. */
public final class TestStores {

  private TestStores() {}

  /** Stores whose relative local paths resolve against {@code workingDirectory}. */
  public static ArtifactStores create(Path workingDirectory) {
    return new ArtifactStores(
        new Providers(TestStores.class.getClassLoader()),
        stores -> new Context(workingDirectory, stores));
  }

  private record Context(Path workingDirectory, ArtifactStores stores) implements BackendContext {
    @Override
    public String uri() {
      return "sqlite:///test.db";
    }

    @Override
    public URI parsedUri() {
      return URI.create(uri());
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
