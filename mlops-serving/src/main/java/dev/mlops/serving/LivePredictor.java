package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.ModelVersion;
import dev.mlops.ResolvedModel;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A predictor that follows a moving model URI (an alias such as {@code models:/fraud@champion}, a
 * stage, or {@code latest}) and switches versions without failing a request.
 *
 * <pre>{@code
 * try (LivePredictor live = LivePredictor.follow(mlops, "models:/fraud@champion")
 *     .pollInterval(Duration.ofSeconds(30))
 *     .listener(e -> log.info("now serving {}", e.to().modelUri()))
 *     .start()) {
 *   float[][] scores = live.predict(rows);                // whichever version is current
 *   Prediction p = live.predictTagged(Map.of("x", x));  // and which version answered
 * }
 * }</pre>
 *
 * <p>Every poll interval (and on {@link #refresh()}) it resolves the URI. When it points at another
 * version, that version is downloaded and loaded beside the current one (warmed up, per {@link
 * PredictorOptions#warmup()}), then swapped in atomically: new requests go to it, requests already
 * running finish on the old one, which is closed when the last of them returns. If resolving or
 * loading fails, the old version keeps serving and listeners get a {@link ModelLoadFailed}. Swaps
 * are reported as {@link ModelSwapped}.
 *
 * <p>Thread-safe. {@link #close()} stops polling and closes the current version once its requests
 * finish.
 */
public final class LivePredictor implements Predictor {

  private static final Logger LOG = LoggerFactory.getLogger(LivePredictor.class);

  /** Receives swap and failure events, on the polling thread (or the caller of refresh). */
  public interface Listener {
    /** A new version is serving. */
    void swapped(ModelSwapped event);

    /** A new version could not be loaded; the old one keeps serving. */
    default void loadFailed(ModelLoadFailed event) {}
  }

  private final Mlops mlops;
  private final String modelUri;
  private final PredictorOptions options;
  private final List<Listener> listeners;
  private final AtomicReference<Slot> current;
  private final Object reloadLock = new Object();
  private final @Nullable ScheduledExecutorService poller;
  private volatile boolean closed;

  private LivePredictor(Builder b, Slot first) {
    this.mlops = b.mlops;
    this.modelUri = b.modelUri;
    this.options = b.options;
    this.listeners = new CopyOnWriteArrayList<>(b.listeners);
    this.current = new AtomicReference<>(first);
    if (b.pollInterval.isZero()) {
      this.poller = null;
    } else {
      this.poller =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "mlops-live-" + modelUri);
                t.setDaemon(true);
                return t;
              });
      long ms = b.pollInterval.toMillis();
      poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }
  }

  /** Starts building a live predictor for {@code modelUri}. */
  public static Builder follow(Mlops mlops, String modelUri) {
    return new Builder(mlops, modelUri);
  }

  /** The URI followed. */
  public String modelUri() {
    return modelUri;
  }

  /** The version serving now. */
  public ModelVersion currentVersion() {
    return current.get().version;
  }

  @Override
  public ModelSignature signature() {
    return current.get().predictor.signature();
  }

  @Override
  public String device() {
    return current.get().predictor.device();
  }

  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
    return predictTagged(inputs).outputs();
  }

  /** Predicts, and says which version answered. */
  public Prediction predictTagged(Map<String, Tensor> inputs) {
    Slot slot = acquire();
    try {
      return new Prediction(slot.version, slot.predictor.predict(inputs));
    } finally {
      slot.release();
    }
  }

  /**
   * Resolves the URI now and swaps when it points at another version.
   *
   * @return whether a new version is serving
   * @throws MlopsException when resolving or loading failed (the old version keeps serving;
   *     listeners are told too)
   */
  public boolean refresh() {
    synchronized (reloadLock) {
      if (closed) {
        return false;
      }
      Slot old = current.get();
      @Nullable ModelVersion target = null;
      try {
        ResolvedModel resolved = mlops.models().resolve(modelUri);
        target = resolved.modelVersion().orElse(null);
        if (target == null || sameVersion(target, old.version)) {
          return false;
        }
        Predictor next = Predictors.load(mlops, target, options);
        Slot fresh = new Slot(next, target);
        current.set(fresh);
        old.release();
        LOG.info(
            "{}: now serving {} (was {}) on {}",
            modelUri,
            target.modelUri(),
            old.version.modelUri(),
            next.device());
        ModelSwapped event = new ModelSwapped(modelUri, old.version, target, Instant.now());
        for (Listener l : listeners) {
          try {
            l.swapped(event);
          } catch (RuntimeException e) {
            LOG.warn("A model swap listener failed: {}", e.toString());
          }
        }
        return true;
      } catch (RuntimeException e) {
        LOG.warn(
            "{}: could not load {}; still serving {}: {}",
            modelUri,
            target != null ? target.modelUri() : "the new version",
            old.version.modelUri(),
            e.toString());
        ModelLoadFailed event = new ModelLoadFailed(modelUri, target, e, Instant.now());
        for (Listener l : listeners) {
          try {
            l.loadFailed(event);
          } catch (RuntimeException le) {
            LOG.warn("A model load-failure listener failed: {}", le.toString());
          }
        }
        throw e;
      }
    }
  }

  /** Adds a listener. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Stops polling; the current version closes when its requests finish. Idempotent. */
  @Override
  public void close() {
    synchronized (reloadLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (poller != null) {
      poller.shutdownNow();
      try {
        poller.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    current.get().release();
  }

  @Override
  public String toString() {
    Slot s = current.get();
    return "LivePredictor["
        + modelUri
        + " -> "
        + s.version.modelUri()
        + " on "
        + s.predictor.device()
        + (closed ? ", closed]" : "]");
  }

  private void poll() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // already logged and reported to listeners; try again at the next poll
    }
  }

  private Slot acquire() {
    while (true) {
      Slot s = current.get();
      if (s.retain()) {
        return s;
      }
      if (closed) {
        throw new InvalidInputException(
            "This live predictor for " + modelUri + " is closed: start a new one to predict.");
      }
    }
  }

  private static boolean sameVersion(ModelVersion a, ModelVersion b) {
    return a.name().equals(b.name()) && a.version() == b.version();
  }

  /**
   * A loaded version with a reference count: one reference while it is current, one per request
   * running on it. The last release closes it.
   */
  private static final class Slot {
    final Predictor predictor;
    final ModelVersion version;
    private final AtomicInteger refs = new AtomicInteger(1);

    Slot(Predictor predictor, ModelVersion version) {
      this.predictor = predictor;
      this.version = version;
    }

    boolean retain() {
      while (true) {
        int n = refs.get();
        if (n == 0) {
          return false;
        }
        if (refs.compareAndSet(n, n + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (refs.decrementAndGet() == 0) {
        try {
          predictor.close();
        } catch (RuntimeException e) {
          LOG.warn("Closing {} failed: {}", version.modelUri(), e.toString());
        }
      }
    }
  }

  /** Builds a {@link LivePredictor}. */
  public static final class Builder {
    private final Mlops mlops;
    private final String modelUri;
    private PredictorOptions options = PredictorOptions.defaults();
    private Duration pollInterval = Duration.ofSeconds(30);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private Builder(Mlops mlops, String modelUri) {
      if (mlops == null || modelUri == null) {
        throw new InvalidInputException("LivePredictor.follow needs an Mlops and a model URI.");
      }
      this.mlops = mlops;
      this.modelUri = modelUri;
    }

    /** How versions are loaded (default {@link PredictorOptions#defaults()}). */
    public Builder options(PredictorOptions options) {
      this.options = options;
      return this;
    }

    /** How often to resolve the URI (default 30 s); {@link Duration#ZERO}: only on refresh(). */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.isNegative()) {
        throw new InvalidInputException(
            "Poll interval must be zero (refresh() only) or positive, got " + interval + ".");
      }
      this.pollInterval = interval;
      return this;
    }

    /** Adds a listener for swaps and failures. */
    public Builder listener(Listener listener) {
      listeners.add(listener);
      return this;
    }

    /**
     * Loads the version the URI points at now, then starts polling.
     *
     * @throws dev.mlops.NotFoundException when the URI does not resolve
     * @throws InvalidInputException when the URI is not a registered model (runs:/ URIs never move)
     */
    public LivePredictor start() {
      ResolvedModel resolved = mlops.models().resolve(modelUri);
      ModelVersion version =
          resolved
              .modelVersion()
              .orElseThrow(
                  () ->
                      new InvalidInputException(
                          "LivePredictor follows registered models (models:/name@alias,"
                              + " models:/name/Production, models:/name/latest), not '"
                              + modelUri
                              + "'. Use Predictors.load for a fixed model."));
      Predictor first = Predictors.load(mlops, version, options);
      LOG.info("{}: serving {} on {}", modelUri, version.modelUri(), first.device());
      return new LivePredictor(this, new Slot(first, version));
    }
  }
}
