package dev.mlops;

import dev.mlops.model.LoggedModel;
import dev.mlops.model.OnnxModel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run this process is logging to. Get one from {@link Tracking#startRun(String)}; close it to
 * flush everything and end it {@link RunStatus#FINISHED}.
 *
 * <pre>{@code
 * try (ActiveRun run = tracking.startRun("fraud-model")) {
 *   run.logParam("alpha", 0.5);
 *   for (int epoch = 0; epoch < 100; epoch++) run.logMetric("loss", loss(epoch), epoch);
 *   run.setTag("team", "risk");
 *   run.logArtifact(Path.of("report.html"));
 * }
 * }</pre>
 *
 * <p>The {@code log*} and {@code setTag} calls validate their arguments at once (a bad key throws
 * {@link InvalidInputException} in the caller) and then return without waiting for I/O: points go
 * to a bounded queue that a background worker writes in batches. {@link #flush()} waits for
 * everything logged before it and throws the first failure. When the queue is full the caller
 * waits.
 *
 * <p>Thread-safe: many threads may log to one run at once. Artifact calls are synchronous.
 */
public interface ActiveRun extends AutoCloseable {

  /** The run's id. */
  String runId();

  /** The experiment the run belongs to. */
  String experimentId();

  /** The run's artifact root URI. */
  String artifactUri();

  /** Logs a parameter. Logging the same key again with another value fails at {@link #flush()}. */
  ActiveRun logParam(String key, String value);

  /** Logs a parameter, written with {@link String#valueOf(Object)}. */
  ActiveRun logParam(String key, Object value);

  /** Logs several parameters. */
  ActiveRun logParams(Map<String, ?> params);

  /** Logs a metric point at step 0, timestamped now. */
  ActiveRun logMetric(String key, double value);

  /** Logs a metric point at {@code step}, timestamped now. */
  ActiveRun logMetric(String key, double value, long step);

  /** Logs a metric point with an explicit timestamp (ms since the epoch). */
  ActiveRun logMetric(String key, double value, long step, long timestampMillis);

  /** Sets a tag; setting it again overwrites. */
  ActiveRun setTag(String key, String value);

  /** Copies a local file to the run's artifact root, keeping its file name. */
  void logArtifact(Path localFile);

  /** Copies a local file into directory {@code artifactPath} of the run's artifacts. */
  void logArtifact(Path localFile, String artifactPath);

  /** Copies a local directory's contents into {@code artifactPath} ("" for the root). */
  void logArtifacts(Path localDir, String artifactPath);

  /**
   * Writes {@code text} (UTF-8) as the artifact file {@code artifactFile}, e.g. {@code
   * notes/a.txt}.
   */
  void logText(String text, String artifactFile);

  /**
   * Logs an ONNX model as an MLflow model directory under {@code artifactPath}: {@code MLmodel}
   * with the {@code onnx} flavor and signature, the model file, and the optional input example and
   * baseline profile. See {@link OnnxModel}.
   *
   * @throws InvalidInputException when the file is not an ONNX model, or a given signature or
   *     example does not fit the graph
   */
  LoggedModel logModel(String artifactPath, OnnxModel model);

  /**
   * Logs an ONNX model like {@link #logModel(String, OnnxModel)}, then registers it as a new
   * version of {@code registeredModelName} (created when missing).
   */
  LoggedModel logModel(String artifactPath, OnnxModel model, String registeredModelName);

  /** Starts a nested run in the same experiment, with this run as its parent. */
  ActiveRun startChild(String runName);

  /**
   * Waits until everything logged before this call is stored.
   *
   * @throws MlopsException the first failure since the last flush (e.g. a param re-logged with
   *     another value), naming the run and keys
   */
  void flush();

  /** Flushes, then ends the run with {@code status}. Idempotent: later calls do nothing. */
  void end(RunStatus status);

  /** Ends the run {@link RunStatus#FINISHED}, unless {@link #end} was called already. */
  @Override
  void close();
}
