package dev.mlops.spi;

import dev.mlops.ArtifactStore;
import java.util.Set;

/**
 * Makes an {@link ArtifactStore} for the URI schemes it names ({@code s3}, {@code gs}, ...).
 * Registered in {@code META-INF/services/dev.mlops.spi.ArtifactStoreProvider}.
 */
public interface ArtifactStoreProvider {

  /** Lowercase URI schemes handled. */
  Set<String> schemes();

  /** Higher wins when two providers claim one scheme; the default is 0. */
  default int priority() {
    return 0;
  }

  /** Creates a store rooted at {@code rootUri}. */
  ArtifactStore create(String rootUri, BackendContext context);
}
