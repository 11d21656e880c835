package dev.mlops.internal.artifacts;

import dev.mlops.ArtifactStore;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.util.Set;

/**
 * Provides {@link LocalArtifactStore} for {@code file:} URIs and plain paths (which {@link
 * dev.mlops.internal.Uris#scheme} reports as {@code file}); relative paths are resolved against the
 * context's working directory. Registered in {@code META-INF/services}.
 */
public final class LocalArtifactStoreProvider implements ArtifactStoreProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public ArtifactStore create(String rootUri, BackendContext context) {
    return LocalArtifactStore.open(rootUri, context.workingDirectory());
  }
}
