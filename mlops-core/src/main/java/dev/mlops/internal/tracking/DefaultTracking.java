package dev.mlops.internal.tracking;

import dev.mlops.ActiveRun;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LoggingError;
import dev.mlops.LoggingStats;
import dev.mlops.Metric;
import dev.mlops.MlopsConfig;
import dev.mlops.MlopsException;
import dev.mlops.ModelRegistry;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunOptions;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.Tracking;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.internal.logging.BatchSink;
import dev.mlops.internal.logging.LogBatch;
import dev.mlops.internal.logging.LoggingEngine;
import dev.mlops.internal.logging.LoggingOptions;
import dev.mlops.spi.TrackingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tracking} over one {@link TrackingBackend}: validates every argument with {@link
 * Validation} before calling the backend, and runs the {@link LoggingEngine} that {@link
 * ActiveRun}s log through. One per {@link dev.mlops.Mlops}.
 *
 * <p>Starting a run gets or creates its experiment by name (safe when several callers race to
 * create it; a deleted experiment of that name is an error, since its name stays taken), names the
 * run {@code adjective-noun-number} when no name is given, and sets MLflow's system tags ({@link
 * RunStarter}); {@code mlflow.user} comes from the setting {@code USER}, else {@code user.name}.
 *
 * <p>{@link #close()} waits up to {@link MlopsConfig#closeTimeout()} for every queued point, then
 * ends each run still open as {@link RunStatus#KILLED} (with a warning naming them: a run that was
 * never closed did not finish normally), then stops the logging worker, warning about points that
 * could not be written (with {@link dev.mlops.Backpressure#SPILL} they stay in the journal). The
 * logging engine registers a JVM shutdown hook that drains it the same way when nobody closes.
 *
 * <p>Thread-safe.
 */
public final class DefaultTracking implements Tracking {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultTracking.class);

  /** Page size used to read a whole metric history. */
  static final int HISTORY_PAGE_SIZE = 25_000;

  /** MLflow's limit on experiment tag values (run tags allow 8000). */
  static final int MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;

  private final TrackingBackend backend;
  private final ArtifactStores stores;
  private final MlopsConfig config;
  private final LoggingEngine engine;
  private final KnownKeys keys = new KnownKeys();
  private final RunStarter starter;
  private final Map<String, DefaultActiveRun> openRuns = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Supplier<ModelRegistry> registry = DefaultTracking::noRegistry;

  /**
   * As {@link #DefaultTracking(TrackingBackend, ArtifactStores, MlopsConfig)}, with the registry
   * that {@code ActiveRun.logModel(path, model, registeredModelName)} registers in.
   */
  public DefaultTracking(
      TrackingBackend backend,
      ArtifactStores stores,
      MlopsConfig config,
      Supplier<ModelRegistry> registry) {
    this(backend, stores, config);
    this.registry = registry;
  }

  /**
   * With the registry that {@code ActiveRun.logModel} registers in, and {@code loggingErrors} told
   * about points the logging engine could not store.
   */
  public DefaultTracking(
      TrackingBackend backend,
      ArtifactStores stores,
      MlopsConfig config,
      Supplier<ModelRegistry> registry,
      Consumer<LoggingError> loggingErrors) {
    this(backend, stores, config, loggingErrors);
    this.registry = registry;
  }

  public DefaultTracking(TrackingBackend backend, ArtifactStores stores, MlopsConfig config) {
    this(backend, stores, config, e -> {});
  }

  /**
   * @param loggingErrors told about points the logging engine could not store
   */
  public DefaultTracking(
      TrackingBackend backend,
      ArtifactStores stores,
      MlopsConfig config,
      Consumer<LoggingError> loggingErrors) {
    this.backend = backend;
    this.stores = stores;
    this.config = config;
    this.starter = new RunStarter(backend, config, keys);
    this.engine =
        new LoggingEngine(
            BatchSink.of(backend),
            backend.batchLimits(),
            LoggingOptions.from(config, loggingErrors));
  }

  /** Counters of the logging engine: queue depth, points sent, failures, retries, journal. */
  public LoggingStats loggingStats() {
    return engine.stats();
  }

  /**
   * Waits for queued points, ends runs still open as {@link RunStatus#KILLED}, and stops the
   * logging worker, all within {@link MlopsConfig#closeTimeout()}. Idempotent.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Duration timeout = config.closeTimeout();
    long start = System.nanoTime();
    engine.awaitAll(timeout);
    List<DefaultActiveRun> open = new ArrayList<>(openRuns.values());
    if (!open.isEmpty()) {
      LOG.warn(
          "Closing with {} run(s) still open; ending them as KILLED: {}. Close each run"
              + " (try-with-resources) or use tracking.withRun(...) to record how it really ended.",
          open.size(),
          open.stream().map(DefaultActiveRun::runId).toList());
      for (DefaultActiveRun run : open) {
        run.endAtClose(RunStatus.KILLED);
      }
    }
    Duration left = timeout.minusNanos(System.nanoTime() - start);
    engine.close(left.isNegative() ? Duration.ZERO : left);
  }

  // ---- experiments

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    ensureOpen();
    Validation.experimentName(name);
    if (artifactLocation != null && artifactLocation.isBlank()) {
      throw new InvalidInputException(
          "Artifact location of experiment '"
              + name
              + "' is blank: pass null to use the store's default.");
    }
    checkExperimentTags(tags);
    return backend.createExperiment(name, artifactLocation, tags);
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    ensureOpen();
    return backend.getExperiment(Validation.id("Experiment", experimentId));
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    ensureOpen();
    return backend.getExperimentByName(Validation.experimentName(name));
  }

  @Override
  public Experiment getOrCreateExperiment(String name) {
    ensureOpen();
    return starter.activeExperiment(Validation.experimentName(name));
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    ensureOpen();
    return backend.searchExperiments(required(query, "Search query"));
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    ensureOpen();
    backend.renameExperiment(
        Validation.id("Experiment", experimentId), Validation.experimentName(newName));
  }

  @Override
  public void deleteExperiment(String experimentId) {
    ensureOpen();
    backend.deleteExperiment(Validation.id("Experiment", experimentId));
  }

  @Override
  public void restoreExperiment(String experimentId) {
    ensureOpen();
    backend.restoreExperiment(Validation.id("Experiment", experimentId));
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    ensureOpen();
    Validation.id("Experiment", experimentId);
    checkExperimentTag(key, value);
    backend.setExperimentTag(experimentId, key, value);
  }

  // ---- runs

  @Override
  public ActiveRun startRun(String experimentName) {
    return startRun(RunOptions.builder(experimentName).build());
  }

  @Override
  public ActiveRun startRun(String experimentName, String runName) {
    return startRun(
        RunOptions.builder(experimentName).runName(Validation.runName(runName)).build());
  }

  @Override
  public ActiveRun startRun(RunOptions options) {
    ensureOpen();
    return activate(starter.start(options));
  }

  @Override
  public void withRun(String experimentName, Consumer<ActiveRun> body) {
    required(body, "Run body");
    ActiveRun run = startRun(experimentName);
    try {
      body.accept(run);
    } catch (Throwable t) {
      try {
        run.end(RunStatus.FAILED);
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      throw t;
    }
    run.end(RunStatus.FINISHED);
  }

  @Override
  public Optional<Run> getRun(String runId) {
    ensureOpen();
    return backend.getRun(Validation.id("Run", runId));
  }

  @Override
  public void setRunStatus(String runId, RunStatus status) {
    ensureOpen();
    Validation.id("Run", runId);
    required(status, "Run status");
    Long endTime = status.isTerminal() ? System.currentTimeMillis() : null;
    backend.updateRun(runId, status, endTime, null);
  }

  @Override
  public void deleteRun(String runId) {
    ensureOpen();
    backend.deleteRun(Validation.id("Run", runId));
  }

  @Override
  public void restoreRun(String runId) {
    ensureOpen();
    backend.restoreRun(Validation.id("Run", runId));
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ensureOpen();
    Validation.id("Run", runId);
    for (Metric m : required(metrics, "Metrics")) {
      required(m, "Metric");
      keys.check("Metric", m.key());
      Validation.metricValue(m.key(), m.value());
      Validation.timestamp(m.key(), m.timestamp());
    }
    for (Param p : required(params, "Params")) {
      required(p, "Param");
      keys.check("Param", p.key());
      Validation.paramValue(p.key(), p.value());
    }
    for (Tag t : required(tags, "Tags")) {
      required(t, "Tag");
      keys.check("Tag", t.key());
      Validation.tagValue(t.key(), t.value());
    }
    for (LogBatch batch : LogBatch.split(runId, metrics, params, tags, backend.batchLimits())) {
      backend.logBatch(runId, batch.metrics(), batch.params(), batch.tags());
    }
  }

  @Override
  public void setTag(String runId, String key, String value) {
    ensureOpen();
    Validation.id("Run", runId);
    keys.check("Tag", key);
    Validation.tagValue(key, value);
    backend.logBatch(runId, List.of(), List.of(), List.of(new Tag(key, value)));
  }

  @Override
  public void deleteTag(String runId, String key) {
    ensureOpen();
    backend.deleteTag(Validation.id("Run", runId), keys.check("Tag", key));
  }

  @Override
  public List<Metric> getMetricHistory(String runId, String key) {
    ensureOpen();
    Validation.id("Run", runId);
    keys.check("Metric", key);
    return Pages.collect(token -> backend.getMetricHistory(runId, key, HISTORY_PAGE_SIZE, token));
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    ensureOpen();
    return backend.searchRuns(checkQuery(query));
  }

  @Override
  public Stream<Run> streamRuns(RunQuery query) {
    ensureOpen();
    RunQuery q = checkQuery(query);
    return Pages.stream(q.pageToken(), token -> backend.searchRuns(q.withPageToken(token)));
  }

  // ---- used by DefaultActiveRun

  ActiveRun startChild(DefaultActiveRun parent, @Nullable String runName) {
    ensureOpen();
    return activate(starter.startChild(parent.experimentId(), parent.runId(), runName));
  }

  void forget(DefaultActiveRun run) {
    openRuns.remove(run.runId(), run);
  }

  TrackingBackend backend() {
    return backend;
  }

  ArtifactStores stores() {
    return stores;
  }

  ModelRegistry registry() {
    return registry.get();
  }

  private static ModelRegistry noRegistry() {
    throw new MlopsException(
        "No model registry is configured for this tracking store: open it through Mlops to"
            + " register models.");
  }

  LoggingEngine engine() {
    return engine;
  }

  Duration closeTimeout() {
    return config.closeTimeout();
  }

  // ---- helpers

  private DefaultActiveRun activate(RunInfo info) {
    DefaultActiveRun run = new DefaultActiveRun(this, info, engine.open(info.runId()), keys);
    openRuns.put(info.runId(), run);
    if (closed.get()) {
      run.endAtClose(RunStatus.KILLED);
      throw closedException();
    }
    return run;
  }

  private void checkExperimentTags(@Nullable Map<String, String> tags) {
    for (Map.Entry<String, String> e : required(tags, "Tags").entrySet()) {
      checkExperimentTag(e.getKey(), e.getValue());
    }
  }

  private void checkExperimentTag(@Nullable String key, @Nullable String value) {
    String k = keys.check("Tag", key);
    String v = Validation.tagValue(k, value);
    if (v.length() > MAX_EXPERIMENT_TAG_VALUE_LENGTH) {
      throw new InvalidInputException(
          "Experiment tag '"
              + k
              + "' has a value of "
              + v.length()
              + " characters; the limit for experiment tags is "
              + MAX_EXPERIMENT_TAG_VALUE_LENGTH
              + ".");
    }
  }

  private static RunQuery checkQuery(@Nullable RunQuery query) {
    RunQuery q = required(query, "Run query");
    for (String id : q.experimentIds()) {
      Validation.id("Experiment", id);
    }
    return q;
  }

  private static <T> T required(@Nullable T value, String what) {
    if (value == null) {
      throw new InvalidInputException(what + " must not be null.");
    }
    return value;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private static MlopsException closedException() {
    return new MlopsException("This Mlops is closed: open a new one with Mlops.open().");
  }
}
