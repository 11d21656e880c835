package dev.mlops.internal.tracking;

import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.spi.BatchLimits;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link TrackingBackend} that honours the SPI contract (idempotent metrics, param
 * conflicts, atomic batches, soft deletes, pages) and lets tests look inside and steer it: batch
 * limits, page sizes, a gate that holds {@code logBatch} calls, hidden name lookups to simulate a
 * creation race. Filters in searches are ignored. Thread-safe.
 */
public final class FakeTrackingBackend implements TrackingBackend {

  /** One {@code logBatch} call as received. */
  public record BatchCall(String runId, int metrics, int params, int tags, long bytes) {}

  /** Holds {@code logBatch} calls until opened. */
  public static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    /** Waits until a {@code logBatch} call is held here. */
    public void awaitEntered() throws InterruptedException {
      entered.await();
    }

    /** Lets every held and later call through. */
    public void open() {
      open.countDown();
    }

    void pass() {
      entered.countDown();
      try {
        open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while held at the gate", e);
      }
    }
  }

  private static final class ExperimentState {
    final String id;
    String name;
    final String artifactLocation;
    LifecycleStage stage = LifecycleStage.ACTIVE;
    final Map<String, String> tags = new LinkedHashMap<>();
    final long created;
    long updated;

    ExperimentState(String id, String name, String artifactLocation, long now) {
      this.id = id;
      this.name = name;
      this.artifactLocation = artifactLocation;
      this.created = now;
      this.updated = now;
    }

    Experiment toExperiment() {
      return new Experiment(id, name, artifactLocation, stage, tags, created, updated);
    }
  }

  private static final class RunState {
    RunInfo info;
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
    final List<Metric> metrics = new ArrayList<>();
    final Set<Metric> metricSet = new HashSet<>();

    RunState(RunInfo info) {
      this.info = info;
    }

    Run toRun() {
      Map<String, Metric> latest = new HashMap<>();
      Comparator<Metric> order =
          Comparator.comparingLong(Metric::step)
              .thenComparingLong(Metric::timestamp)
              .thenComparingDouble(Metric::value);
      for (Metric m : metrics) {
        latest.merge(m.key(), m, (a, b) -> order.compare(a, b) >= 0 ? a : b);
      }
      return new Run(info, params, latest, tags);
    }
  }

  private final Object lock = new Object();
  private final String artifactRoot;
  private final Map<String, ExperimentState> experiments = new LinkedHashMap<>();
  private final Map<String, RunState> runs = new LinkedHashMap<>();
  private int nextExperimentId = 1;

  private volatile BatchLimits limits = BatchLimits.MLFLOW;
  private volatile int maxPageSize = Integer.MAX_VALUE;
  private volatile @Nullable Gate gate;
  private final AtomicInteger hiddenNameLookups = new AtomicInteger();
  private final List<BatchCall> batchCalls = new CopyOnWriteArrayList<>();
  private final AtomicLong metricsReceived = new AtomicLong();
  private final AtomicInteger searchRunsCalls = new AtomicInteger();
  private final AtomicInteger historyCalls = new AtomicInteger();
  private final AtomicInteger updateRunCalls = new AtomicInteger();

  /** A backend whose experiments keep artifacts under {@code artifactRoot} (a URI). */
  public FakeTrackingBackend(String artifactRoot) {
    this.artifactRoot =
        artifactRoot.endsWith("/")
            ? artifactRoot.substring(0, artifactRoot.length() - 1)
            : artifactRoot;
  }

  public FakeTrackingBackend() {
    this("file:/nonexistent/mlruns");
  }

  // ---- steering

  public FakeTrackingBackend withBatchLimits(BatchLimits limits) {
    this.limits = limits;
    return this;
  }

  public FakeTrackingBackend withMaxPageSize(int size) {
    this.maxPageSize = size;
    return this;
  }

  /** Holds every {@code logBatch} call until the returned gate is opened. */
  public Gate closeGate() {
    Gate g = new Gate();
    gate = g;
    return g;
  }

  /** The next {@code n} name lookups find nothing, as if another process had not created it yet. */
  public void hideNextNameLookups(int n) {
    hiddenNameLookups.set(n);
  }

  // ---- looking inside

  public List<BatchCall> batchCalls() {
    return List.copyOf(batchCalls);
  }

  public long metricsReceived() {
    return metricsReceived.get();
  }

  public int searchRunsCalls() {
    return searchRunsCalls.get();
  }

  public int historyCalls() {
    return historyCalls.get();
  }

  public int updateRunCalls() {
    return updateRunCalls.get();
  }

  public List<Metric> storedMetrics(String runId) {
    synchronized (lock) {
      return List.copyOf(run(runId).metrics);
    }
  }

  public Map<String, String> storedParams(String runId) {
    synchronized (lock) {
      return Map.copyOf(run(runId).params);
    }
  }

  public Map<String, String> storedTags(String runId) {
    synchronized (lock) {
      return Map.copyOf(run(runId).tags);
    }
  }

  public RunInfo runInfo(String runId) {
    synchronized (lock) {
      return run(runId).info;
    }
  }

  public int experimentCount() {
    synchronized (lock) {
      return experiments.size();
    }
  }

  /** Creates a run in experiment {@code logging} (created when missing) and returns its id. */
  public String newRun() {
    String experimentId;
    synchronized (lock) {
      experimentId =
          experiments.values().stream()
              .filter(e -> e.name.equals("logging"))
              .map(e -> e.id)
              .findFirst()
              .orElse(null);
    }
    if (experimentId == null) {
      experimentId = createExperiment("logging", null, Map.of());
    }
    return createRun(new NewRun(experimentId, "run", 0, "", Map.of(), null)).runId();
  }

  // ---- TrackingBackend

  @Override
  public BatchLimits batchLimits() {
    return limits;
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    synchronized (lock) {
      for (ExperimentState e : experiments.values()) {
        if (e.name.equals(name)) {
          throw new AlreadyExistsException("Experiment '" + name + "' already exists.");
        }
      }
      String id = String.valueOf(nextExperimentId++);
      String location = artifactLocation != null ? artifactLocation : artifactRoot + "/" + id;
      ExperimentState state = new ExperimentState(id, name, location, System.currentTimeMillis());
      state.tags.putAll(tags);
      experiments.put(id, state);
      return id;
    }
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    synchronized (lock) {
      return Optional.ofNullable(experiments.get(experimentId)).map(ExperimentState::toExperiment);
    }
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    if (hiddenNameLookups.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Optional.empty();
    }
    synchronized (lock) {
      return experiments.values().stream()
          .filter(e -> e.name.equals(name))
          .map(ExperimentState::toExperiment)
          .findFirst();
    }
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    synchronized (lock) {
      List<Experiment> all =
          experiments.values().stream()
              .filter(e -> query.viewType().includes(e.stage))
              .map(ExperimentState::toExperiment)
              .toList();
      return page(all, query.maxResults(), query.pageToken());
    }
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    synchronized (lock) {
      ExperimentState e = experiment(experimentId);
      for (ExperimentState other : experiments.values()) {
        if (other != e && other.name.equals(newName)) {
          throw new AlreadyExistsException("Experiment '" + newName + "' already exists.");
        }
      }
      e.name = newName;
      e.updated = System.currentTimeMillis();
    }
  }

  @Override
  public void deleteExperiment(String experimentId) {
    synchronized (lock) {
      experiment(experimentId).stage = LifecycleStage.DELETED;
      for (RunState r : runs.values()) {
        if (r.info.experimentId().equals(experimentId)) {
          r.info = withStage(r.info, LifecycleStage.DELETED);
        }
      }
    }
  }

  @Override
  public void restoreExperiment(String experimentId) {
    synchronized (lock) {
      experiment(experimentId).stage = LifecycleStage.ACTIVE;
      for (RunState r : runs.values()) {
        if (r.info.experimentId().equals(experimentId)) {
          r.info = withStage(r.info, LifecycleStage.ACTIVE);
        }
      }
    }
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    synchronized (lock) {
      experiment(experimentId).tags.put(key, value);
    }
  }

  @Override
  public RunInfo createRun(NewRun run) {
    synchronized (lock) {
      ExperimentState e = experiment(run.experimentId());
      if (e.stage != LifecycleStage.ACTIVE) {
        throw new InvalidInputException("Experiment " + e.id + " is deleted.");
      }
      String runId = UUID.randomUUID().toString().replace("-", "");
      RunInfo info =
          new RunInfo(
              runId,
              e.id,
              run.runName(),
              RunStatus.RUNNING,
              run.startTime(),
              null,
              e.artifactLocation + "/" + runId + "/artifacts",
              LifecycleStage.ACTIVE,
              run.userId());
      RunState state = new RunState(info);
      state.tags.putAll(run.tags());
      runs.put(runId, state);
      return info;
    }
  }

  @Override
  public Optional<Run> getRun(String runId) {
    synchronized (lock) {
      return Optional.ofNullable(runs.get(runId)).map(RunState::toRun);
    }
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {
    updateRunCalls.incrementAndGet();
    synchronized (lock) {
      RunState r = run(runId);
      RunInfo i = r.info;
      r.info =
          new RunInfo(
              i.runId(),
              i.experimentId(),
              runName != null ? runName : i.runName(),
              status,
              i.startTime(),
              endTime != null ? endTime : i.endTime(),
              i.artifactUri(),
              i.lifecycleStage(),
              i.userId());
    }
  }

  @Override
  public void deleteRun(String runId) {
    synchronized (lock) {
      RunState r = run(runId);
      r.info = withStage(r.info, LifecycleStage.DELETED);
    }
  }

  @Override
  public void restoreRun(String runId) {
    synchronized (lock) {
      RunState r = run(runId);
      r.info = withStage(r.info, LifecycleStage.ACTIVE);
    }
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    Gate g = gate;
    if (g != null) {
      g.pass();
    }
    long bytes = 0;
    for (Metric m : metrics) {
      bytes += m.key().length() + 64;
    }
    for (Param p : params) {
      bytes += p.key().length() + p.value().length() + 32;
    }
    for (Tag t : tags) {
      bytes += t.key().length() + t.value().length() + 32;
    }
    batchCalls.add(new BatchCall(runId, metrics.size(), params.size(), tags.size(), bytes));
    BatchLimits l = limits;
    if (metrics.size() > l.maxMetrics()
        || params.size() > l.maxParams()
        || tags.size() > l.maxTags()
        || metrics.size() + params.size() + tags.size() > l.maxEntities()) {
      throw new InvalidInputException("Batch over the limits " + l + ".");
    }
    synchronized (lock) {
      RunState r = run(runId);
      if (r.info.lifecycleStage() != LifecycleStage.ACTIVE) {
        throw new InvalidInputException(
            "The run " + runId + " must be in the 'active' state. Current state is deleted.");
      }
      Map<String, String> incoming = new HashMap<>();
      for (Param p : params) {
        String old = r.params.getOrDefault(p.key(), incoming.get(p.key()));
        if (old != null && !old.equals(p.value())) {
          throw new InvalidInputException(
              "Changing param values is not allowed. Param with key='"
                  + p.key()
                  + "' was already logged with value='"
                  + old
                  + "' for run ID='"
                  + runId
                  + "'. Attempted logging new value '"
                  + p.value()
                  + "'.");
        }
        incoming.put(p.key(), p.value());
      }
      r.params.putAll(incoming);
      for (Tag t : tags) {
        r.tags.put(t.key(), t.value());
      }
      for (Metric m : metrics) {
        if (r.metricSet.add(m)) {
          r.metrics.add(m);
        }
      }
      metricsReceived.addAndGet(metrics.size());
    }
  }

  @Override
  public void deleteTag(String runId, String key) {
    synchronized (lock) {
      RunState r = run(runId);
      if (r.tags.remove(key) == null) {
        throw new NotFoundException("No tag '" + key + "' on run " + runId + ".");
      }
    }
  }

  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    historyCalls.incrementAndGet();
    synchronized (lock) {
      List<Metric> history =
          run(runId).metrics.stream()
              .filter(m -> m.key().equals(key))
              .sorted(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp))
              .toList();
      return page(history, maxResults, pageToken);
    }
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    searchRunsCalls.incrementAndGet();
    synchronized (lock) {
      List<Run> found =
          runs.values().stream()
              .filter(r -> query.experimentIds().contains(r.info.experimentId()))
              .filter(r -> query.viewType().includes(r.info.lifecycleStage()))
              .sorted(
                  Comparator.comparingLong((RunState r) -> r.info.startTime())
                      .reversed()
                      .thenComparing(r -> r.info.runId()))
              .map(RunState::toRun)
              .toList();
      return page(found, query.maxResults(), query.pageToken());
    }
  }

  @Override
  public void close() {
    Gate g = gate;
    if (g != null) {
      g.open();
    }
  }

  // ---- helpers

  private <T> Page<T> page(List<T> all, int maxResults, @Nullable String token) {
    int from = token == null ? 0 : Integer.parseInt(token);
    int size = Math.min(maxResults, maxPageSize);
    int to = Math.min(all.size(), from + size);
    return new Page<>(all.subList(from, to), to < all.size() ? String.valueOf(to) : null);
  }

  private ExperimentState experiment(String id) {
    ExperimentState e = experiments.get(id);
    if (e == null) {
      throw new NotFoundException("No experiment with id " + id + ".");
    }
    return e;
  }

  private RunState run(String runId) {
    RunState r = runs.get(runId);
    if (r == null) {
      throw new NotFoundException("Run '" + runId + "' not found.");
    }
    return r;
  }

  private static RunInfo withStage(RunInfo i, LifecycleStage stage) {
    return new RunInfo(
        i.runId(),
        i.experimentId(),
        i.runName(),
        i.status(),
        i.startTime(),
        i.endTime(),
        i.artifactUri(),
        stage,
        i.userId());
  }
}
