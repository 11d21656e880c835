package dev.mlops.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * Everything a contract test opened, closed in reverse order when the test ends. Closing goes on
 * past a failure; the first failure is rethrown with the later ones suppressed, so a backend that
 * fails to close (a leaked connection, a flush error) fails the test that caused it.
 *
 * <p>Not thread-safe: register from the test thread.
 */
public final class OpenedResources implements AutoCloseable {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Registers {@code resource} to be closed when the test ends, and returns it. */
  public <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Closes everything registered, newest first. */
  @Override
  public void close() throws Exception {
    @Nullable Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
