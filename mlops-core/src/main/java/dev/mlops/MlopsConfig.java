package dev.mlops;

import dev.mlops.internal.config.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resolved configuration of one {@link Mlops}: what {@link Mlops.Builder} was given, completed
 * from system properties, the environment and defaults, in that order. Read it with {@link
 * Mlops#config()}.
 *
 * <table>
 *   <caption>Settings and where they come from</caption>
 *   <tr><th>getter</th><th>system property</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@link #trackingUri}</td><td>{@code mlops.tracking.uri}</td>
 *       <td>{@code MLOPS_TRACKING_URI}, then {@code MLFLOW_TRACKING_URI}</td>
 *       <td>{@code sqlite:///mlflow.db} in the working directory</td></tr>
 *   <tr><td>{@link #registryUri}</td><td>{@code mlops.registry.uri}</td>
 *       <td>{@code MLOPS_REGISTRY_URI}, then {@code MLFLOW_REGISTRY_URI}</td>
 *       <td>the tracking URI</td></tr>
 *   <tr><td>{@link #artifactRoot}</td><td>{@code mlops.artifact.root}</td>
 *       <td>{@code MLOPS_ARTIFACT_ROOT}</td>
 *       <td>the backend's own ({@code ./mlruns} for the embedded store)</td></tr>
 *   <tr><td>{@link #cacheDir}</td><td>{@code mlops.cache.dir}</td><td>{@code MLOPS_CACHE_DIR}</td>
 *       <td>{@code ~/.cache/mlops/models}</td></tr>
 *   <tr><td>{@link #logQueueCapacity}</td><td>{@code mlops.log.queue.capacity}</td>
 *       <td>{@code MLOPS_LOG_QUEUE_CAPACITY}</td><td>100,000 points</td></tr>
 *   <tr><td>{@link #closeTimeout}</td><td>{@code mlops.close.timeout.ms}</td>
 *       <td>{@code MLOPS_CLOSE_TIMEOUT_MS}</td><td>60 s</td></tr>
 *   <tr><td>{@link #backpressure}</td><td>{@code mlops.log.backpressure}</td>
 *       <td>{@code MLOPS_LOG_BACKPRESSURE}</td><td>{@link Backpressure#BLOCK}</td></tr>
 *   <tr><td>{@link #journalDir}</td><td>{@code mlops.log.journal.dir}</td>
 *       <td>{@code MLOPS_LOG_JOURNAL_DIR}</td><td>{@code ~/.cache/mlops/journal}</td></tr>
 *   <tr><td>{@link #journalMaxBytes}</td><td>{@code mlops.log.journal.max.bytes}</td>
 *       <td>{@code MLOPS_LOG_JOURNAL_MAX_BYTES}</td><td>no limit</td></tr>
 * </table>
 *
 * @param trackingUri where experiments and runs live
 * @param registryUri where registered models live
 * @param artifactRoot default artifact root for new experiments, null for the backend's own
 * @param cacheDir local model download cache
 * @param workingDirectory directory that relative defaults are resolved against
 * @param logQueueCapacity points buffered before logging calls wait
 * @param closeTimeout how long {@link ActiveRun#close()} and {@link Mlops#close()} wait for pending
 *     points
 * @param backpressure what logging calls do when the backend does not keep up
 * @param journalDir root of the local logging journals ({@link Backpressure#SPILL}); each tracking
 *     store gets its own subdirectory, named by a hash of its URI (and of the working directory for
 *     local stores), which the next {@link Mlops} on that store replays after a crash
 * @param journalMaxBytes the most bytes of points one {@link Backpressure#SPILL} journal holds that
 *     the backend has not taken yet (about 50 bytes a metric point); when it is full, logging calls
 *     wait as with {@link Backpressure#BLOCK} until the backend catches up, so a long outage cannot
 *     fill the disk. {@link #NO_JOURNAL_LIMIT} by default
 * @param settings every other setting by environment-variable name (tokens, endpoints); never
 *     printed
 */
public record MlopsConfig(
    String trackingUri,
    String registryUri,
    @Nullable String artifactRoot,
    Path cacheDir,
    Path workingDirectory,
    int logQueueCapacity,
    Duration closeTimeout,
    Backpressure backpressure,
    Path journalDir,
    long journalMaxBytes,
    Map<String, String> settings) {

  /** The smallest journal limit: two journal segment files. */
  public static final long MIN_JOURNAL_MAX_BYTES = 16L << 20;

  /** {@link #journalMaxBytes} when the journal may grow as long as the disk has room. */
  public static final long NO_JOURNAL_LIMIT = Long.MAX_VALUE;

  public MlopsConfig {
    settings = Map.copyOf(settings);
    if (backpressure == null) {
      throw new InvalidInputException("backpressure must be BLOCK or SPILL, got null.");
    }
    if (logQueueCapacity < 1) {
      throw new InvalidInputException(
          "logQueueCapacity must be at least 1, got " + logQueueCapacity + ".");
    }
    if (closeTimeout.isNegative()) {
      throw new InvalidInputException(
          "closeTimeout must not be negative, got " + closeTimeout + ".");
    }
    if (journalMaxBytes < MIN_JOURNAL_MAX_BYTES) {
      throw new InvalidInputException(
          "journalMaxBytes must be at least "
              + MIN_JOURNAL_MAX_BYTES
              + " (16 MiB, two journal segments), got "
              + journalMaxBytes
              + ". Raise it, or leave it unset for no limit.");
    }
  }

  /**
   * A configuration with the default backpressure ({@link Backpressure#BLOCK}) and journal
   * directory ({@code ~/.cache/mlops/journal}).
   */
  public MlopsConfig(
      String trackingUri,
      String registryUri,
      @Nullable String artifactRoot,
      Path cacheDir,
      Path workingDirectory,
      int logQueueCapacity,
      Duration closeTimeout,
      Map<String, String> settings) {
    this(
        trackingUri,
        registryUri,
        artifactRoot,
        cacheDir,
        workingDirectory,
        logQueueCapacity,
        closeTimeout,
        Backpressure.BLOCK,
        defaultJournalDir(),
        NO_JOURNAL_LIMIT,
        settings);
  }

  /** {@code ~/.cache/mlops/journal}: where journals go unless configured. */
  public static Path defaultJournalDir() {
    return Path.of(System.getProperty("user.home", "."), ".cache", "mlops", "journal")
        .toAbsolutePath();
  }

  /** The default artifact root, if one was configured. */
  public Optional<String> artifactRootUri() {
    return Optional.ofNullable(artifactRoot);
  }

  /** A setting by environment-variable name, e.g. {@code MLFLOW_TRACKING_TOKEN}. */
  public Optional<String> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }

  /** Shows URIs and sizes, never setting values (they may hold credentials). */
  @Override
  public String toString() {
    return "MlopsConfig[trackingUri="
        + Redaction.uri(trackingUri)
        + ", registryUri="
        + Redaction.uri(registryUri)
        + ", artifactRoot="
        + (artifactRoot == null ? null : Redaction.uri(artifactRoot))
        + ", cacheDir="
        + cacheDir
        + ", logQueueCapacity="
        + logQueueCapacity
        + ", closeTimeout="
        + closeTimeout
        + ", backpressure="
        + backpressure
        + ", journalDir="
        + journalDir
        + (journalMaxBytes == NO_JOURNAL_LIMIT ? "" : ", journalMaxBytes=" + journalMaxBytes)
        + ", settings="
        + settings.keySet()
        + "]";
  }
}
