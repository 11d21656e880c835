package dev.mlops.testkit;

import org.junit.jupiter.api.AfterEach;

/**
 * Common base of the contracts: keeps what a test opened and closes it when the test ends, newest
 * first. A failure to close fails the test, so a backend that cannot shut down cleanly is caught.
 */
public abstract class BackendContract {

  private final OpenedResources opened = new OpenedResources();

  /**
   * Registers {@code resource} (a fake server, a client, an {@link dev.mlops.Mlops}) to be closed
   * when the current test ends, and returns it. Call it from the factory method or a test.
   */
  protected final <T extends AutoCloseable> T closeAfterTest(T resource) {
    return opened.add(resource);
  }

  @AfterEach
  final void closeEverythingOpened() throws Exception {
    opened.close();
  }
}
