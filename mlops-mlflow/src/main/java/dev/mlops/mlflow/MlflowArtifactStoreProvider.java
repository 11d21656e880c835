package dev.mlops.mlflow;

import dev.mlops.ArtifactStore;
import dev.mlops.internal.Uris;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.util.Set;

/**
 * Artifact stores on MLflow's artifacts proxy, for {@code mlflow-artifacts:} roots (what an MLflow
 * server started with {@code --serve-artifacts} gives its runs) and for {@code http(s)://} roots
 * under {@code /api/2.0/mlflow-artifacts/artifacts}. A run whose artifact root is a direct storage
 * URI ({@code s3://}, {@code gs://}, {@code file:}) uses that scheme's store instead. Found by
 * {@link java.util.ServiceLoader}; users never call it.
 */
public final class MlflowArtifactStoreProvider implements ArtifactStoreProvider {

  @Override
  public Set<String> schemes() {
    return Set.of(ArtifactLocation.SCHEME, "http", "https");
  }

  @Override
  public ArtifactStore create(String rootUri, BackendContext context) {
    ArtifactLocation location = ArtifactLocation.parse(rootUri, context.uri());
    String trackingScheme = Uris.scheme(context.uri());
    String userInfo = null;
    if (trackingScheme.equals("http") || trackingScheme.equals("https")) {
      ServerAddress tracking = ServerAddress.parse(context.uri());
      if (tracking.base().host().equals(location.base().host())) {
        userInfo = tracking.userInfo();
      }
    }
    ClientSettings settings = ClientSettings.read(context, userInfo);
    RestClient rest =
        new RestClient(SharedHttpClient.of(context, settings), location.base(), settings);
    return new MlflowArtifactStore(rest, rootUri, location);
  }
}
