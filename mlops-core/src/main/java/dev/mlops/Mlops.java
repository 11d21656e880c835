package dev.mlops;

import dev.mlops.internal.MlopsRuntime;
import dev.mlops.internal.config.ConfigResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: one configured connection to a tracking store, a model registry and artifact
 * stores. Which systems sit behind it is picked by URI; see {@link MlopsConfig} for every setting.
 *
 * <pre>{@code
 * try (Mlops mlops = Mlops.open()) {           // MLOPS_/MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
 *   try (ActiveRun run = mlops.tracking().startRun("fraud-model")) {
 *     run.logParam("alpha", 0.5);
 *     run.logMetric("loss", 0.12, 1);
 *   }
 *   ModelVersion v = mlops.registry().registerModel("runs:/" + runId + "/model", "fraud");
 *   mlops.registry().setAlias("fraud", "champion", v.version());
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Tracking URIs</caption>
 *   <tr><th>URI</th><th>backend</th><th>module</th></tr>
 *   <tr><td>none, {@code sqlite:///path.db}, {@code file:/dir}, a plain path</td>
 *       <td>embedded SQLite store</td><td>{@code mlops-core}</td></tr>
 *   <tr><td>{@code http://host:5000}, {@code https://...}</td><td>MLflow tracking server</td>
 *       <td>{@code mlops-mlflow}</td></tr>
 * </table>
 *
 * <p>Thread-safe; open one per application and share it. {@link #close()} flushes runs still open
 * and releases connections and threads.
 */
public final class Mlops implements AutoCloseable {

  private final MlopsRuntime runtime;

  private Mlops(MlopsRuntime runtime) {
    this.runtime = runtime;
  }

  /** Opens with settings from system properties and the environment, else the embedded default. */
  public static Mlops open() {
    return builder().build();
  }

  /** Opens the tracking (and registry) store at {@code trackingUri}. */
  public static Mlops open(String trackingUri) {
    return builder().trackingUri(trackingUri).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configuration in force. */
  public MlopsConfig config() {
    return runtime.config();
  }

  /** Experiments, runs, params, metrics and tags. */
  public Tracking tracking() {
    return runtime.tracking();
  }

  /** Registered models, versions, aliases and stages. */
  public ModelRegistry registry() {
    return runtime.registry();
  }

  /** Artifact stores by URI. */
  public Artifacts artifacts() {
    return runtime.artifacts();
  }

  /** Model URI resolution and the download cache. */
  public Models models() {
    return runtime.models();
  }

  /**
   * The health of background logging: queue depth, points sent and failed, retries, journal size,
   * last error.
   */
  public LoggingStats loggingStats() {
    return runtime.loggingStats();
  }

  /**
   * Flushes open runs (within {@link MlopsConfig#closeTimeout()}), then releases everything. With
   * {@link Backpressure#SPILL}, points the backend did not take in time stay in the journal for the
   * next {@code Mlops} on this store; with {@link Backpressure#BLOCK} they are lost and a warning
   * says how many. A JVM shutdown hook does the same for an {@code Mlops} never closed.
   */
  @Override
  public void close() {
    runtime.close();
  }

  @Override
  public String toString() {
    return "Mlops[" + runtime.config() + "]";
  }

  /**
   * Builds an {@link Mlops}. Values set here win over system properties, which win over the
   * environment, which wins over defaults.
   */
  public static final class Builder {
    private @Nullable String trackingUri;
    private @Nullable String registryUri;
    private @Nullable String artifactRoot;
    private @Nullable Path cacheDir;
    private @Nullable Path workingDirectory;
    private @Nullable Integer logQueueCapacity;
    private @Nullable Duration closeTimeout;
    private @Nullable Backpressure backpressure;
    private @Nullable Path journalDir;
    private @Nullable Long journalMaxBytes;
    private @Nullable Consumer<LoggingError> loggingErrorListener;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Map<String, String> environment = System.getenv();
    private Properties systemProperties = System.getProperties();

    private Builder() {}

    /** Tracking store URI; see the table on {@link Mlops}. */
    public Builder trackingUri(String trackingUri) {
      this.trackingUri = trackingUri;
      return this;
    }

    /** Registry URI, when it differs from the tracking URI. */
    public Builder registryUri(String registryUri) {
      this.registryUri = registryUri;
      return this;
    }

    /** Default artifact root for new experiments, e.g. {@code s3://bucket/mlruns}. */
    public Builder artifactRoot(String artifactRoot) {
      this.artifactRoot = artifactRoot;
      return this;
    }

    /** Local model cache directory. */
    public Builder cacheDir(Path cacheDir) {
      this.cacheDir = cacheDir;
      return this;
    }

    /** Directory that relative defaults ({@code mlflow.db}, {@code mlruns}) resolve against. */
    public Builder workingDirectory(Path workingDirectory) {
      this.workingDirectory = workingDirectory;
      return this;
    }

    /** Points buffered before logging calls wait. */
    public Builder logQueueCapacity(int points) {
      this.logQueueCapacity = points;
      return this;
    }

    /** How long closing waits for pending points. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /** What logging calls do when the backend does not keep up; see {@link Backpressure}. */
    public Builder backpressure(Backpressure backpressure) {
      this.backpressure = backpressure;
      return this;
    }

    /**
     * Root directory of the local logging journals ({@link Backpressure#SPILL}, and the replay of
     * earlier journals at open); default {@code ~/.cache/mlops/journal}.
     */
    public Builder journalDir(Path journalDir) {
      this.journalDir = journalDir;
      return this;
    }

    /**
     * The most bytes a {@link Backpressure#SPILL} journal holds that the backend has not taken yet
     * (about 50 bytes a metric point; at least 16 MiB); when it is full, logging calls wait, as
     * with {@link Backpressure#BLOCK}, until the backend catches up. Default: no limit but the
     * disk's.
     */
    public Builder journalMaxBytes(long bytes) {
      this.journalMaxBytes = bytes;
      return this;
    }

    /**
     * Called, from the background logging thread, for every group of points that could not be
     * stored: rejected by the backend (naming the run and keys), or not written before close. Keep
     * it short; an exception it throws is logged and ignored.
     */
    public Builder onLoggingError(Consumer<LoggingError> listener) {
      this.loggingErrorListener = listener;
      return this;
    }

    /**
     * Sets a backend setting by its environment-variable name, e.g. {@code MLFLOW_TRACKING_TOKEN}
     * or {@code AWS_REGION}; wins over the real environment.
     */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /** Replaces the environment read for settings (default: {@link System#getenv()}). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Replaces the system properties read for settings (default: {@link System#getProperties()}).
     */
    public Builder systemProperties(Properties properties) {
      this.systemProperties = properties;
      return this;
    }

    /**
     * Resolves the configuration and connects.
     *
     * @throws InvalidInputException for a malformed URI
     * @throws MlopsException when no module on the classpath handles the URI's scheme, naming the
     *     Maven artifact to add
     */
    public Mlops build() {
      MlopsConfig config =
          new ConfigResolver(environment, systemProperties)
              .resolve(
                  trackingUri,
                  registryUri,
                  artifactRoot,
                  cacheDir,
                  workingDirectory,
                  logQueueCapacity,
                  closeTimeout,
                  backpressure,
                  journalDir,
                  journalMaxBytes,
                  settings);
      Consumer<LoggingError> listener = loggingErrorListener;
      return new Mlops(MlopsRuntime.start(config, listener == null ? e -> {} : listener));
    }
  }
}
