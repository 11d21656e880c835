package dev.mlops.internal.artifacts;

import dev.mlops.ArtifactStore;
import dev.mlops.InvalidInputException;
import dev.mlops.internal.Providers;
import dev.mlops.internal.Uris;
import dev.mlops.spi.BackendContext;
import java.util.function.Function;

/**
 * Opens the {@link ArtifactStore} for a concrete artifact URI ({@code file:}, {@code s3://}, ...)
 * through the provider that handles its scheme. {@code runs:/} and {@code models:/} URIs are
 * resolved by {@link DefaultArtifacts} before they get here.
 */
public final class ArtifactStores {

  private final Providers providers;
  private final Function<ArtifactStores, BackendContext> context;

  public ArtifactStores(Providers providers, Function<ArtifactStores, BackendContext> context) {
    this.providers = providers;
    this.context = context;
  }

  /** The store rooted at {@code artifactUri}. */
  public ArtifactStore open(String artifactUri) {
    String scheme = Uris.scheme(artifactUri);
    if (scheme.equals("runs") || scheme.equals("models")) {
      throw new InvalidInputException(
          "'"
              + artifactUri
              + "' must be resolved first: use mlops.artifacts() or mlops.models(), which accept"
              + " runs:/ and models:/ URIs.");
    }
    return providers.artifacts(scheme).create(artifactUri, context.apply(this));
  }
}
