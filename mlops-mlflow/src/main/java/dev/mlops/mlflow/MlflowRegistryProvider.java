package dev.mlops.mlflow;

import dev.mlops.spi.BackendContext;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.RegistryBackendProvider;
import java.util.Set;

/**
 * The model registry of an MLflow tracking server, for {@code http://} and {@code https://}
 * registry URIs. Found by {@link java.util.ServiceLoader}; users never call it.
 */
public final class MlflowRegistryProvider implements RegistryBackendProvider {

  @Override
  public Set<String> schemes() {
    return MlflowTrackingProvider.SCHEMES;
  }

  @Override
  public RegistryBackend create(BackendContext context) {
    return new MlflowRegistryBackend(MlflowTrackingProvider.connect(context));
  }
}
