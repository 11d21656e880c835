package dev.mlops.internal;

import dev.mlops.Artifacts;
import dev.mlops.LoggingError;
import dev.mlops.LoggingStats;
import dev.mlops.MlopsConfig;
import dev.mlops.MlopsException;
import dev.mlops.ModelRegistry;
import dev.mlops.Models;
import dev.mlops.Tracking;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.internal.artifacts.DefaultArtifacts;
import dev.mlops.internal.models.DefaultModels;
import dev.mlops.internal.registry.DefaultModelRegistry;
import dev.mlops.internal.tracking.DefaultTracking;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the backends chosen by URI to the user-facing facades of one {@link dev.mlops.Mlops}. */
public final class MlopsRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MlopsRuntime.class);

  private final MlopsConfig config;
  private final Providers providers;
  private final SharedResources shared = new SharedResources();
  private final ArtifactStores stores;
  private final TrackingBackend trackingBackend;
  private final DefaultTracking tracking;
  private final DefaultArtifacts artifacts;
  private final DefaultModels models;
  private @Nullable RegistryBackend registryBackend;
  private @Nullable DefaultModelRegistry registry;
  private boolean closed;

  private MlopsRuntime(
      MlopsConfig config, Providers providers, Consumer<LoggingError> loggingErrors) {
    this.config = config;
    this.providers = providers;
    this.stores =
        new ArtifactStores(
            providers,
            self -> new DefaultBackendContext(config.trackingUri(), config, shared, self));
    try {
      this.trackingBackend =
          providers
              .tracking(Uris.scheme(config.trackingUri()))
              .create(context(config.trackingUri()));
    } catch (RuntimeException e) {
      shared.close();
      throw e;
    }
    try {
      this.tracking =
          new DefaultTracking(trackingBackend, stores, config, this::registry, loggingErrors);
    } catch (RuntimeException e) {
      trackingBackend.close();
      shared.close();
      throw e;
    }
    this.artifacts = new DefaultArtifacts(stores, trackingBackend, this::models);
    this.models =
        new DefaultModels(this::registryBackend, trackingBackend, stores, config.cacheDir());
    LOG.debug("Opened {}", config);
  }

  /** Resolves providers for {@code config}'s URIs and connects the tracking backend. */
  public static MlopsRuntime start(MlopsConfig config) {
    return start(config, e -> {});
  }

  /** Like {@link #start(MlopsConfig)}, telling {@code loggingErrors} about points not stored. */
  public static MlopsRuntime start(MlopsConfig config, Consumer<LoggingError> loggingErrors) {
    return new MlopsRuntime(config, Providers.fromContext(), loggingErrors);
  }

  private DefaultBackendContext context(String uri) {
    return new DefaultBackendContext(uri, config, shared, stores);
  }

  public MlopsConfig config() {
    return config;
  }

  public Tracking tracking() {
    ensureOpen();
    return tracking;
  }

  public LoggingStats loggingStats() {
    return tracking.loggingStats();
  }

  public Artifacts artifacts() {
    ensureOpen();
    return artifacts;
  }

  public Models models() {
    ensureOpen();
    return models;
  }

  public synchronized ModelRegistry registry() {
    ensureOpen();
    if (registry == null) {
      registry = new DefaultModelRegistry(registryBackend(), trackingBackend);
    }
    return registry;
  }

  private synchronized RegistryBackend registryBackend() {
    ensureOpen();
    if (registryBackend == null) {
      registryBackend =
          providers
              .registry(Uris.scheme(config.registryUri()))
              .create(context(config.registryUri()));
    }
    return registryBackend;
  }

  private synchronized void ensureOpen() {
    if (closed) {
      throw new MlopsException("This Mlops is closed: open a new one with Mlops.open().");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      tracking.close();
    } finally {
      try {
        if (registryBackend != null) {
          registryBackend.close();
        }
        trackingBackend.close();
      } finally {
        shared.close();
      }
    }
  }
}
