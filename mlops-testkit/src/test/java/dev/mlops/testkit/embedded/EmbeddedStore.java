package dev.mlops.testkit.embedded;

import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Opens the embedded SQLite store in a test directory, isolated from the environment and system
 * properties of the machine running the tests (an exported {@code MLFLOW_TRACKING_URI} or {@code
 * MLOPS_ARTIFACT_ROOT} must not leak in).
 */
final class EmbeddedStore {

  private EmbeddedStore() {}

  /** The database file of the store in {@code dir}. */
  static Path database(Path dir) {
    return dir.resolve("mlflow.db").toAbsolutePath();
  }

  /** {@code sqlite:///} plus the absolute path, which starts with '/': the absolute form. */
  static String trackingUri(Path dir) {
    return "sqlite:///" + database(dir);
  }

  /** An {@link Mlops} on {@code dir/mlflow.db} with artifacts and cache under {@code dir}. */
  static Mlops open(Path dir) {
    return Mlops.builder()
        .trackingUri(trackingUri(dir))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .environment(Map.of())
        .systemProperties(new Properties())
        .build();
  }
}
