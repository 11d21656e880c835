package dev.mlops.mlflow;

import dev.mlops.spi.BackendContext;
import dev.mlops.spi.TrackingBackend;
import dev.mlops.spi.TrackingBackendProvider;
import java.util.Set;

/**
 * Tracking on an MLflow tracking server, for {@code http://} and {@code https://} tracking URIs.
 * Found by {@link java.util.ServiceLoader}; users never call it. The backend, the registry and the
 * artifact stores of one {@link dev.mlops.Mlops} share one HTTP connection pool.
 */
public final class MlflowTrackingProvider implements TrackingBackendProvider {

  /**
   * The schemes an MLflow server's URI has; {@code databricks} gets a message saying what to use.
   */
  static final Set<String> SCHEMES = Set.of("http", "https", "databricks");

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  @Override
  public TrackingBackend create(BackendContext context) {
    return new MlflowTrackingBackend(connect(context));
  }

  /** A REST client for the server at {@code context}'s URI, on the shared HTTP client. */
  static RestClient connect(BackendContext context) {
    ServerAddress address = ServerAddress.parse(context.uri());
    ClientSettings settings = ClientSettings.read(context, address.userInfo());
    return new RestClient(SharedHttpClient.of(context, settings), address.base(), settings);
  }
}
