package dev.mlops.spi;

import dev.mlops.ArtifactStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a provider gets when it creates a backend: the URI it was picked for, settings, and a place
 * to share one resource (a connection pool, an HTTP client) between the tracking and registry
 * backends of one {@link dev.mlops.Mlops}.
 */
public interface BackendContext {

  /** The URI the backend was chosen for, as configured. */
  String uri();

  /** The URI parsed; for a plain path, its {@code file:} URI. */
  URI parsedUri();

  /**
   * A setting by its environment-variable name, e.g. {@code MLFLOW_TRACKING_TOKEN}: builder value,
   * then system property (lowercase, dots for underscores), then the environment.
   */
  Optional<String> setting(String name);

  /** The default root for artifacts of new experiments, when the user configured one. */
  Optional<String> artifactRoot();

  /** The local working directory defaults are relative to. */
  Path workingDirectory();

  /**
   * The resource registered under {@code key} for this {@link dev.mlops.Mlops}, created on first
   * use and closed when it closes.
   */
  <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> factory);

  /** The artifact store for {@code artifactUri}, from whichever provider handles its scheme. */
  ArtifactStore artifactStore(String artifactUri);
}
