package dev.mlops.internal.tracking;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.RunInfo;
import dev.mlops.RunStatus;
import dev.mlops.internal.Validation;
import dev.mlops.internal.logging.RunChannel;
import dev.mlops.internal.mlmodel.ModelLog;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run this process logs to. Every {@code log*} call validates in the caller, then puts one point
 * on the logging engine's queue through the run's {@link RunChannel}; artifact calls upload
 * synchronously. {@link #end} flushes, then records the status and end time, once.
 *
 * <p>Made by {@link DefaultTracking}. Thread-safe.
 */
final class DefaultActiveRun implements ActiveRun {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultActiveRun.class);

  private final DefaultTracking tracking;
  private final RunInfo info;
  private final RunChannel channel;
  private final KnownKeys keys;
  private final RunArtifacts artifacts;
  private final ModelLog models;
  private final AtomicBoolean ended = new AtomicBoolean();

  DefaultActiveRun(DefaultTracking tracking, RunInfo info, RunChannel channel, KnownKeys keys) {
    this.tracking = tracking;
    this.info = info;
    this.channel = channel;
    this.keys = keys;
    this.artifacts = new RunArtifacts(tracking.stores(), info.artifactUri());
    this.models = new ModelLog(tracking::registry);
  }

  @Override
  public String runId() {
    return info.runId();
  }

  @Override
  public String experimentId() {
    return info.experimentId();
  }

  @Override
  public String artifactUri() {
    return info.artifactUri();
  }

  /** The run's metadata as it was when the run started. */
  RunInfo info() {
    return info;
  }

  boolean hasEnded() {
    return ended.get();
  }

  @Override
  public ActiveRun logParam(String key, String value) {
    return param(key, value);
  }

  @Override
  public ActiveRun logParam(String key, Object value) {
    return param(key, stringOrNull(value));
  }

  private ActiveRun param(String key, @Nullable String value) {
    ensureActive();
    keys.check("Param", key);
    channel.logParam(key, Validation.paramValue(key, value));
    return this;
  }

  @Override
  public ActiveRun logParams(Map<String, ?> params) {
    ensureActive();
    if (params == null) {
      throw new InvalidInputException("Params must not be null: pass a map, e.g. Map.of().");
    }
    List<String> checkedKeys = new ArrayList<>(params.size());
    List<String> values = new ArrayList<>(params.size());
    for (Map.Entry<String, ?> e : params.entrySet()) {
      String key = keys.check("Param", e.getKey());
      checkedKeys.add(key);
      values.add(Validation.paramValue(key, stringOrNull(e.getValue())));
    }
    for (int i = 0; i < checkedKeys.size(); i++) {
      channel.logParam(checkedKeys.get(i), values.get(i));
    }
    return this;
  }

  @Override
  public ActiveRun logMetric(String key, double value) {
    return logMetric(key, value, 0, System.currentTimeMillis());
  }

  @Override
  public ActiveRun logMetric(String key, double value, long step) {
    return logMetric(key, value, step, System.currentTimeMillis());
  }

  @Override
  public ActiveRun logMetric(String key, double value, long step, long timestampMillis) {
    ensureActive();
    keys.check("Metric", key);
    Validation.metricValue(key, value);
    Validation.timestamp(key, timestampMillis);
    channel.logMetric(key, value, timestampMillis, step);
    return this;
  }

  @Override
  public ActiveRun setTag(String key, String value) {
    ensureActive();
    keys.check("Tag", key);
    Validation.tagValue(key, value);
    channel.setTag(key, value);
    return this;
  }

  @Override
  public void logArtifact(Path localFile) {
    ensureActive();
    artifacts.logFile(localFile, "");
  }

  @Override
  public void logArtifact(Path localFile, String artifactPath) {
    ensureActive();
    artifacts.logFile(localFile, artifactPath);
  }

  @Override
  public void logArtifacts(Path localDir, String artifactPath) {
    ensureActive();
    artifacts.logDirectory(localDir, artifactPath);
  }

  @Override
  public void logText(String text, String artifactFile) {
    ensureActive();
    artifacts.logText(text, artifactFile);
  }

  @Override
  public LoggedModel logModel(String artifactPath, OnnxModel model) {
    ensureActive();
    return models.log(this, artifactPath, model, null);
  }

  @Override
  public LoggedModel logModel(String artifactPath, OnnxModel model, String registeredModelName) {
    ensureActive();
    if (registeredModelName == null) {
      throw new InvalidInputException(
          "Registered model name must not be null: use logModel(path, model) to log without"
              + " registering.");
    }
    return models.log(this, artifactPath, model, registeredModelName);
  }

  @Override
  public ActiveRun startChild(String runName) {
    ensureActive();
    return tracking.startChild(this, runName);
  }

  @Override
  public void flush() {
    channel.flush();
  }

  /**
   * Flushes (for at most the configured close timeout), then sets {@code status} and the end time,
   * even when the flush failed; then throws the flush failure. Later calls do nothing.
   */
  @Override
  public void end(RunStatus status) {
    if (status == null || !status.isTerminal()) {
      throw new InvalidInputException(
          "Run "
              + runId()
              + " can only end as FINISHED, FAILED or KILLED, not "
              + status
              + ". Use tracking.setRunStatus(runId, status) for other statuses.");
    }
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    try {
      channel.flush(tracking.closeTimeout());
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      tracking.backend().updateRun(runId(), status, System.currentTimeMillis(), null);
    } catch (RuntimeException e) {
      failure = combine(failure, e);
    } finally {
      release();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    end(RunStatus.FINISHED);
  }

  /**
   * Ends the run without flushing (the caller already waited for the queue), logging rather than
   * throwing a failure. Used when {@link DefaultTracking} closes with this run still open.
   *
   * @return whether this call ended the run
   */
  boolean endAtClose(RunStatus status) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    try {
      tracking.backend().updateRun(runId(), status, System.currentTimeMillis(), null);
    } catch (RuntimeException e) {
      LOG.warn("Could not end run {} as {} at close: {}", runId(), status, e.toString());
    } finally {
      release();
    }
    return true;
  }

  private void release() {
    tracking.engine().release(channel);
    artifacts.close();
    tracking.forget(this);
  }

  private void ensureActive() {
    if (ended.get()) {
      throw new InvalidInputException(
          "Run "
              + runId()
              + " has ended: nothing more can be logged to it. Start a new run with"
              + " tracking.startRun(...) to keep logging.");
    }
  }

  private static @Nullable String stringOrNull(@Nullable Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static RuntimeException combine(@Nullable RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "ActiveRun["
        + runId()
        + ", experiment "
        + experimentId()
        + (ended.get() ? ", ended]" : "]");
  }
}
