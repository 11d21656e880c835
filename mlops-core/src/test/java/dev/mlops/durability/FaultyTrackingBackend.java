package dev.mlops.durability;

import dev.mlops.BackendUnavailableException;
import dev.mlops.Experiment;
import dev.mlops.Metric;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TrackingBackend} around a real one that fails {@code logBatch} on command, as a tracking
 * server would: an outage that starts once a number of metric points were stored and lasts until
 * {@link #recover()} (failing alternately with 503 and with 429 plus {@code Retry-After}), or calls
 * that hang until released. Everything else goes straight to the real backend. Thread-safe.
 */
final class FaultyTrackingBackend implements TrackingBackend {

  private final TrackingBackend delegate;
  private final AtomicLong metricsStored = new AtomicLong();
  private final AtomicLong failedCalls = new AtomicLong();
  private final Object lock = new Object();
  private volatile long outageAfterMetrics = Long.MAX_VALUE;
  private volatile boolean recovered;
  private volatile @Nullable CountDownLatch hang;

  FaultyTrackingBackend(TrackingBackend delegate) {
    this.delegate = delegate;
  }

  /** Creates an experiment named {@code experiment} and a run in it; returns the run's id. */
  String startRun(String experiment) {
    String id = createExperiment(experiment, null, Map.of());
    return createRun(new NewRun(id, "run", System.currentTimeMillis(), "u", Map.of(), null))
        .runId();
  }

  /**
   * Every {@code logBatch} fails once {@code metrics} metric points were stored, until recovery.
   */
  void outageAfter(long metrics) {
    recovered = false;
    outageAfterMetrics = metrics;
  }

  /** Ends the outage. */
  void recover() {
    recovered = true;
  }

  /** Holds every {@code logBatch} until {@link #release()}. */
  void hang() {
    hang = new CountDownLatch(1);
  }

  void release() {
    CountDownLatch h = hang;
    hang = null;
    if (h != null) {
      h.countDown();
    }
  }

  /** Waits until at least {@code n} {@code logBatch} calls failed. */
  void awaitFailedCalls(long n) throws InterruptedException {
    synchronized (lock) {
      while (failedCalls.get() < n) {
        lock.wait();
      }
    }
  }

  long failedCalls() {
    return failedCalls.get();
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    CountDownLatch h = hang;
    if (h != null) {
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendUnavailableException("interrupted while the backend hung", e);
      }
    }
    if (!recovered && metricsStored.get() >= outageAfterMetrics) {
      long n;
      synchronized (lock) {
        n = failedCalls.incrementAndGet();
        lock.notifyAll();
      }
      if (n % 2 == 0) {
        throw new BackendUnavailableException(
            "HTTP 429 Too Many Requests", null, Duration.ofMillis(3));
      }
      throw new BackendUnavailableException("HTTP 503 Service Unavailable");
    }
    delegate.logBatch(runId, metrics, params, tags);
    metricsStored.addAndGet(metrics.size());
  }

  @Override
  public BatchLimits batchLimits() {
    return delegate.batchLimits();
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    return delegate.createExperiment(name, artifactLocation, tags);
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    return delegate.getExperiment(experimentId);
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return delegate.getExperimentByName(name);
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    return delegate.searchExperiments(query);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    delegate.renameExperiment(experimentId, newName);
  }

  @Override
  public void deleteExperiment(String experimentId) {
    delegate.deleteExperiment(experimentId);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    delegate.restoreExperiment(experimentId);
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    delegate.setExperimentTag(experimentId, key, value);
  }

  @Override
  public RunInfo createRun(NewRun run) {
    return delegate.createRun(run);
  }

  @Override
  public Optional<Run> getRun(String runId) {
    return delegate.getRun(runId);
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {
    delegate.updateRun(runId, status, endTime, runName);
  }

  @Override
  public void deleteRun(String runId) {
    delegate.deleteRun(runId);
  }

  @Override
  public void restoreRun(String runId) {
    delegate.restoreRun(runId);
  }

  @Override
  public void deleteTag(String runId, String key) {
    delegate.deleteTag(runId, key);
  }

  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    return delegate.getMetricHistory(runId, key, maxResults, pageToken);
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    return delegate.searchRuns(query);
  }

  @Override
  public void close() {
    release();
    delegate.close();
  }
}
