package dev.mlops.testkit;

import dev.mlops.ArtifactStore;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link BackendContext} over a map of settings, for testing a provider directly without an
 * {@link dev.mlops.Mlops}: it shares resources by key as an {@code Mlops} does and closes them when
 * it is closed.
 *
 * <pre>{@code
 * try (TestBackendContext context =
 *     new TestBackendContext("s3://bucket", Map.of("AWS_REGION", "us-east-1"))) {
 *   ArtifactStore store = new S3ArtifactStoreProvider().create("s3://bucket/root", context);
 *   assertThat(context.sharedCount()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>It opens no other artifact stores: {@link #artifactStore} throws. Thread-safe.
 */
public final class TestBackendContext implements BackendContext, AutoCloseable {

  private final String uri;
  private final Map<String, String> settings;
  private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

  /**
   * @param uri the URI the backend is created for
   * @param settings settings by environment-variable name
   */
  public TestBackendContext(String uri, Map<String, String> settings) {
    this.uri = uri;
    this.settings = Map.copyOf(settings);
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public URI parsedUri() {
    return URI.create(uri);
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

  /** How many shared resources providers have registered so far. */
  public synchronized int sharedCount() {
    return shared.size();
  }

  @Override
  public ArtifactStore artifactStore(String artifactUri) {
    throw new UnsupportedOperationException(
        "TestBackendContext opens no other artifact stores; asked for " + artifactUri);
  }

  /** Closes every shared resource; the first failure is rethrown. */
  @Override
  public synchronized void close() {
    for (AutoCloseable c : shared.values()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }
}
