package dev.mlops.internal.config;

import dev.mlops.Backpressure;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Completes builder values from system properties, then the environment, then defaults. A setting
 * named {@code FOO_BAR} in the environment is {@code foo.bar} as a system property.
 */
public final class ConfigResolver {

  /** The embedded default, as in MLflow since 3.7. */
  public static final String DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

  /** Environment names passed to backends as settings when present. */
  static final List<String> PASSED_SETTINGS =
      List.of(
          "MLFLOW_TRACKING_TOKEN",
          "MLFLOW_TRACKING_USERNAME",
          "MLFLOW_TRACKING_PASSWORD",
          "MLFLOW_TRACKING_INSECURE_TLS",
          "MLFLOW_TRACKING_SERVER_CERT_PATH",
          "MLFLOW_TRACKING_CLIENT_CERT_PATH",
          "MLFLOW_HTTP_REQUEST_TIMEOUT",
          "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
          "MLFLOW_S3_ENDPOINT_URL",
          "MLFLOW_S3_IGNORE_TLS",
          "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD",
          "MLFLOW_S3_UPLOAD_EXTRA_ARGS",
          "AWS_ENDPOINT_URL_S3",
          "AWS_MAX_ATTEMPTS",
          "AWS_REQUEST_CHECKSUM_CALCULATION",
          "MLOPS_S3_PART_SIZE",
          "MLOPS_S3_MULTIPART_THRESHOLD",
          "MLOPS_S3_MAX_CONCURRENCY",
          "MLOPS_S3_PATH_STYLE",
          "STORAGE_EMULATOR_HOST",
          "MLOPS_GCS_CHUNK_SIZE",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_REGION",
          "AWS_DEFAULT_REGION",
          "AWS_PROFILE",
          "AWS_ENDPOINT_URL",
          "GOOGLE_APPLICATION_CREDENTIALS",
          "GOOGLE_CLOUD_PROJECT",
          "USER");

  private final Map<String, String> environment;
  private final Properties systemProperties;

  public ConfigResolver(Map<String, String> environment, Properties systemProperties) {
    this.environment = environment;
    this.systemProperties = systemProperties;
  }

  public MlopsConfig resolve(
      @Nullable String trackingUri,
      @Nullable String registryUri,
      @Nullable String artifactRoot,
      @Nullable Path cacheDir,
      @Nullable Path workingDirectory,
      @Nullable Integer logQueueCapacity,
      @Nullable Duration closeTimeout,
      Map<String, String> explicitSettings) {
    return resolve(
        trackingUri,
        registryUri,
        artifactRoot,
        cacheDir,
        workingDirectory,
        logQueueCapacity,
        closeTimeout,
        null,
        null,
        null,
        explicitSettings);
  }

  /** Like the shorter overload, with the logging backpressure mode and journal settings. */
  public MlopsConfig resolve(
      @Nullable String trackingUri,
      @Nullable String registryUri,
      @Nullable String artifactRoot,
      @Nullable Path cacheDir,
      @Nullable Path workingDirectory,
      @Nullable Integer logQueueCapacity,
      @Nullable Duration closeTimeout,
      @Nullable Backpressure backpressure,
      @Nullable Path journalDir,
      @Nullable Long journalMaxBytes,
      Map<String, String> explicitSettings) {
    String tracking =
        first(trackingUri, lookup("MLOPS_TRACKING_URI"), lookup("MLFLOW_TRACKING_URI"));
    if (tracking == null || tracking.isBlank()) {
      tracking = DEFAULT_TRACKING_URI;
    }
    String registry =
        first(registryUri, lookup("MLOPS_REGISTRY_URI"), lookup("MLFLOW_REGISTRY_URI"));
    if (registry == null || registry.isBlank()) {
      registry = tracking;
    }
    String artifacts = first(artifactRoot, lookup("MLOPS_ARTIFACT_ROOT"));
    Path work =
        workingDirectory != null
            ? workingDirectory
            : Path.of(systemProperties.getProperty("user.dir", ".")).toAbsolutePath();
    Path cache = cacheDir != null ? cacheDir : cacheSubdirectory("MLOPS_CACHE_DIR", "models");
    int capacity =
        logQueueCapacity != null
            ? logQueueCapacity
            : (int) wholeNumber("MLOPS_LOG_QUEUE_CAPACITY", 100_000, "", Integer.MAX_VALUE);
    Duration timeout =
        closeTimeout != null
            ? closeTimeout
            : Duration.ofMillis(
                wholeNumber("MLOPS_CLOSE_TIMEOUT_MS", 60_000, "", Integer.MAX_VALUE));

    Backpressure mode =
        backpressure != null ? backpressure : parseBackpressure(lookup("MLOPS_LOG_BACKPRESSURE"));
    Path journal =
        journalDir != null ? journalDir : cacheSubdirectory("MLOPS_LOG_JOURNAL_DIR", "journal");
    long journalMax =
        journalMaxBytes != null
            ? journalMaxBytes
            : wholeNumber(
                "MLOPS_LOG_JOURNAL_MAX_BYTES",
                MlopsConfig.NO_JOURNAL_LIMIT,
                " of bytes",
                Long.MAX_VALUE);

    Map<String, String> settings = new HashMap<>();
    for (String name : PASSED_SETTINGS) {
      String v = lookup(name);
      if (v != null) {
        settings.put(name, v);
      }
    }
    settings.putAll(explicitSettings);
    return new MlopsConfig(
        tracking.trim(),
        registry.trim(),
        artifacts,
        cache.toAbsolutePath(),
        work.toAbsolutePath(),
        capacity,
        timeout,
        mode,
        journal.toAbsolutePath(),
        journalMax,
        settings);
  }

  private static Backpressure parseBackpressure(@Nullable String value) {
    if (value == null) {
      return Backpressure.BLOCK;
    }
    try {
      return Backpressure.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "MLOPS_LOG_BACKPRESSURE must be BLOCK or SPILL, got '" + value + "'. Fix or unset it.");
    }
  }

  /** System property ({@code foo.bar} for {@code FOO_BAR}), then environment variable. */
  public @Nullable String lookup(String envName) {
    String prop = systemProperties.getProperty(envName.toLowerCase(Locale.ROOT).replace('_', '.'));
    if (prop != null && !prop.isEmpty()) {
      return prop;
    }
    String env = environment.get(envName);
    return env == null || env.isEmpty() ? null : env;
  }

  /** The directory {@code envName} names, else {@code ~/.cache/mlops/<leaf>}. */
  private Path cacheSubdirectory(String envName, String leaf) {
    String dir = lookup(envName);
    return dir != null
        ? Path.of(dir)
        : Path.of(systemProperties.getProperty("user.home", "."), ".cache", "mlops", leaf);
  }

  /**
   * The whole number {@code envName} sets (at most {@code max}), else {@code fallback}.
   *
   * @param unit how the message names the unit, e.g. {@code " of bytes"}, or empty
   */
  private long wholeNumber(String envName, long fallback, String unit, long max) {
    String value = lookup(envName);
    if (value == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidInputException(
        envName
            + " must be a whole number"
            + unit
            + (max < Long.MAX_VALUE ? " up to " + max : "")
            + ", got '"
            + value
            + "'. Fix or unset it.");
  }

  @SafeVarargs
  private static <T> @Nullable T first(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
