package dev.mlops.internal;

import org.jspecify.annotations.Nullable;

/**
 * Looks through an exception's cause chain, as backends do to tell a network failure or a service
 * error apart when a client library wraps it.
 *
 * <pre>{@code
 * if (Causes.has(e, IOException.class)) {
 *   throw new BackendUnavailableException("Cannot reach ...", e);
 * }
 * }</pre>
 */
public final class Causes {

  private Causes() {}

  /** The first of {@code e} and its causes that is a {@code type}, or null. */
  public static <T extends Throwable> @Nullable T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** Whether {@code e} or one of its causes is a {@code type}. */
  public static boolean has(Throwable e, Class<? extends Throwable> type) {
    return find(e, type) != null;
  }
}
