package dev.mlops.spi;

import java.util.Set;

/**
 * Makes a {@link TrackingBackend} for the URI schemes it names. Registered in {@code
 * META-INF/services/dev.mlops.spi.TrackingBackendProvider} and found with {@link
 * java.util.ServiceLoader}.
 */
public interface TrackingBackendProvider {

  /** Lowercase URI schemes handled, e.g. {@code sqlite}, {@code file}, {@code http}. */
  Set<String> schemes();

  /** Higher wins when two providers claim one scheme; the default is 0. */
  default int priority() {
    return 0;
  }

  /** Creates the backend. Called once per {@link dev.mlops.Mlops}. */
  TrackingBackend create(BackendContext context);
}
