package dev.mlops;

import java.util.List;

/**
 * Points that could not be stored: what an error listener registered with {@link
 * Mlops.Builder#onLoggingError} receives. The same failure is thrown by the run's next {@link
 * ActiveRun#flush()}; the listener also hears about runs nobody flushes any more (ended runs,
 * journal replay after a crash, logging stopped at close).
 *
 * <pre>{@code
 * Mlops mlops = Mlops.builder()
 *     .onLoggingError(e -> log.error("run {} lost {} points for {}", e.runId(), e.points(), e.keys()))
 *     .build();
 * }</pre>
 *
 * @param runId the run the points belonged to
 * @param keys the keys concerned, as MLflow's search grammar names them: {@code params.alpha},
 *     {@code metrics.loss}, {@code tags.team}; each key once, at most 100
 * @param points how many logged points were not stored
 * @param error the failure, of the backend's {@link MlopsException} subclass, with a message naming
 *     the run and the keys
 */
public record LoggingError(String runId, List<String> keys, long points, MlopsException error) {

  public LoggingError {
    keys = List.copyOf(keys);
  }

  /**
   * Whether the backend was unavailable rather than rejecting the points: true when logging stopped
   * (at close) while the backend was still down; false for a rejection such as a param logged again
   * with another value, or a run that does not exist.
   */
  public boolean isTransient() {
    return error instanceof BackendUnavailableException;
  }
}
