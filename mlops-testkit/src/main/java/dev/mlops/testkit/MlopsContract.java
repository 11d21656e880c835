package dev.mlops.testkit;

import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of {@link TrackingBackendContract} and {@link RegistryBackendContract} that opens one
 * {@link Mlops} per test on a fresh directory, gives each test a unique name prefix, and closes
 * everything afterwards. Backend authors extend those two classes, not this one.
 */
public abstract class MlopsContract extends BackendContract {

  private @Nullable Mlops mlops;
  private @Nullable Path workDir;
  private String prefix = "kit-";

  MlopsContract() {}

  /**
   * Opens a client to an empty store. Called once before each test with a fresh directory; tests of
   * {@link BackendCapabilities#persistsAcrossReopen()} call it again with the same directory and
   * expect to see the same store. The kit closes what it returns.
   */
  protected abstract Mlops openMlops(Path workDir);

  /** What the backend supports; everything unless overridden. */
  protected BackendCapabilities capabilities() {
    return BackendCapabilities.all();
  }

  @BeforeEach
  final void openBackend(@TempDir Path dir) {
    workDir = dir;
    prefix = "kit-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    mlops = closeAfterTest(openMlops(dir));
  }

  /** The {@link Mlops} opened for the current test. */
  protected final Mlops mlops() {
    Mlops m = mlops;
    if (m == null) {
      throw new IllegalStateException("openMlops has not run: call mlops() from a test.");
    }
    return m;
  }

  /** The current test's directory. */
  protected final Path workDir() {
    Path d = workDir;
    if (d == null) {
      throw new IllegalStateException("openMlops has not run: call workDir() from a test.");
    }
    return d;
  }

  /** The current test's unique name prefix, e.g. for {@code name LIKE '<prefix>%'} filters. */
  protected final String prefix() {
    return prefix;
  }

  /** {@code suffix} behind the current test's unique prefix. */
  protected final String name(String suffix) {
    return prefix + suffix;
  }
}
