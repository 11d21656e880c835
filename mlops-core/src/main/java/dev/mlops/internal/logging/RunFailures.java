package dev.mlops.internal.logging;

import dev.mlops.AlreadyExistsException;
import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The write failures of one run since its last flush: the first one (which {@code flush()} throws)
 * and a few later ones (attached as suppressed). Thread-safe.
 */
final class RunFailures {

  private static final int MAX_KEPT = 10;

  private final String runId;
  private final List<Entry> entries = new ArrayList<>();
  private long failedPoints;

  private record Entry(Throwable cause, String keys) {}

  RunFailures(String runId) {
    this.runId = runId;
  }

  synchronized void record(Throwable cause, String keys, int points) {
    failedPoints += points;
    if (entries.size() < MAX_KEPT) {
      entries.add(new Entry(cause, keys));
    }
  }

  synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The failure to throw to the caller of {@code flush()}, of the same {@link MlopsException}
   * subclass as the first cause, naming the run and keys; empty failures are cleared.
   */
  synchronized @Nullable MlopsException take() {
    if (entries.isEmpty()) {
      return null;
    }
    Entry first = entries.get(0);
    MlopsException e = wrap(first.cause(), message(first, failedPoints));
    for (int i = 1; i < entries.size(); i++) {
      Entry later = entries.get(i);
      e.addSuppressed(wrap(later.cause(), describe(later)));
    }
    entries.clear();
    failedPoints = 0;
    return e;
  }

  /** A one-line summary, for a warning when nobody will flush this run any more. */
  synchronized String summary() {
    return entries.isEmpty() ? "" : message(entries.get(0), failedPoints);
  }

  private String message(Entry first, long points) {
    return "Logging to run "
        + runId
        + " failed: "
        + points
        + (points == 1 ? " point was" : " points were")
        + " not stored. First failure, for "
        + first.keys()
        + ": "
        + causeMessage(first.cause())
        + (entries.size() > 1 ? " (" + (entries.size() - 1) + " more attached as suppressed)" : "")
        + ". Points logged after the failure are still written; fix the cause and log the"
        + " rejected keys again.";
  }

  private String describe(Entry entry) {
    return "Logging to run "
        + runId
        + " failed for "
        + entry.keys()
        + ": "
        + causeMessage(entry.cause());
  }

  /** The cause's message without a final period, so that it reads well inside a sentence. */
  static String causeMessage(Throwable cause) {
    String m = cause.getMessage();
    if (m == null || m.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    m = m.strip();
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  /** A new exception of {@code cause}'s {@link MlopsException} subclass, with {@code message}. */
  static MlopsException wrap(Throwable cause, String message) {
    if (cause instanceof InvalidInputException) {
      return new InvalidInputException(message, cause);
    }
    if (cause instanceof NotFoundException) {
      return new NotFoundException(message, cause);
    }
    if (cause instanceof AlreadyExistsException) {
      return new AlreadyExistsException(message, cause);
    }
    if (cause instanceof BackendUnavailableException) {
      return new BackendUnavailableException(message, cause);
    }
    if (cause instanceof PermissionDeniedException) {
      return new PermissionDeniedException(message, cause);
    }
    return new MlopsException(message, cause);
  }
}
