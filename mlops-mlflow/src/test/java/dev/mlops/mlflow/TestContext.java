package dev.mlops.mlflow;

import dev.mlops.ArtifactStore;
import dev.mlops.MlopsException;
import dev.mlops.internal.Uris;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BackendContext} for tests that create backends through their providers directly: fixed
 * settings, shared resources closed by {@link #close()}, artifact stores found by ServiceLoader.
 */
final class TestContext implements BackendContext, AutoCloseable {

  private final String uri;
  private final Path workDir;
  private final Map<String, String> settings;
  private final @Nullable String artifactRoot;
  private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

  TestContext(
      String uri, Path workDir, Map<String, String> settings, @Nullable String artifactRoot) {
    this.uri = uri;
    this.workDir = workDir;
    this.settings = new HashMap<>(settings);
    this.artifactRoot = artifactRoot;
  }

  /** A context for {@code uri} with fast retries, so fault tests do not wait long. */
  static TestContext fastRetries(String uri, Path workDir, Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.01");
    s.put("MLFLOW_HTTP_REQUEST_MAX_BACKOFF", "0.05");
    s.put("MLFLOW_HTTP_REQUEST_TIMEOUT", "10");
    s.putAll(extra);
    return new TestContext(uri, workDir, s, null);
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public URI parsedUri() {
    return Uris.parse(uri, workDir);
  }

  @Override
  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  @Override
  public Optional<String> artifactRoot() {
    return Optional.ofNullable(artifactRoot);
  }

  @Override
  public Path workingDirectory() {
    return workDir;
  }

  @Override
  public synchronized <T extends AutoCloseable> T shared(
      String key, Class<T> type, Supplier<T> factory) {
    return type.cast(shared.computeIfAbsent(key, k -> factory.get()));
  }

  @Override
  public ArtifactStore artifactStore(String artifactUri) {
    String scheme = Uris.scheme(artifactUri);
    for (ArtifactStoreProvider p : ServiceLoader.load(ArtifactStoreProvider.class)) {
      if (p.schemes().contains(scheme)) {
        return p.create(artifactUri, this);
      }
    }
    throw new MlopsException("No artifact store for " + artifactUri);
  }

  @Override
  public synchronized void close() throws Exception {
    List<AutoCloseable> list = new ArrayList<>(shared.values());
    shared.clear();
    Exception first = null;
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
