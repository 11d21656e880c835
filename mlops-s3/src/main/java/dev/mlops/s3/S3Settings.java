package dev.mlops.s3;

import dev.mlops.InvalidInputException;
import dev.mlops.spi.BackendContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How to reach S3 and how to move data, resolved from a {@link BackendContext}'s settings. Never
 * prints secrets.
 *
 * @param endpoint endpoint override for S3-compatible stores; null for AWS
 * @param region the signing region; null to use the SDK's region chain (system properties, {@code
 *     ~/.aws/config}), else {@code us-east-1} with cross-region access
 * @param pathStyle whether buckets go in the path ({@code http://host/bucket/key}) rather than the
 *     host name
 * @param accessKeyId static access key, or null to use a profile or the default chain
 * @param secretAccessKey the secret of {@code accessKeyId}
 * @param sessionToken temporary session token, if any
 * @param profile named profile from {@code ~/.aws/credentials}, or null
 * @param ignoreTls whether to accept any TLS certificate ({@code MLFLOW_S3_IGNORE_TLS})
 * @param partSize bytes per part of multipart uploads and per ranged download request
 * @param multipartThreshold files larger than this move in parts
 * @param maxConcurrency parallel requests per transfer pool
 * @param maxAttempts attempts per request, the first included
 * @param extraArgs extra upload arguments ({@code MLFLOW_S3_UPLOAD_EXTRA_ARGS})
 * @param checksumCalculation {@code when_supported} or {@code when_required}: when requests carry
 *     S3's CRC32 checksums ({@code AWS_REQUEST_CHECKSUM_CALCULATION}); null for the default, which
 *     is {@code when_required} with an endpoint override (many S3-compatible stores reject checksum
 *     trailers; ETags and MD5s still check every byte) and the SDK's own otherwise
 */
record S3Settings(
    @Nullable URI endpoint,
    @Nullable String region,
    boolean pathStyle,
    @Nullable String accessKeyId,
    @Nullable String secretAccessKey,
    @Nullable String sessionToken,
    @Nullable String profile,
    boolean ignoreTls,
    long partSize,
    long multipartThreshold,
    int maxConcurrency,
    int maxAttempts,
    UploadExtraArgs extraArgs,
    @Nullable String checksumCalculation) {

  static final long MIB = 1024 * 1024;
  static final long MIN_PART_SIZE = 5 * MIB;
  static final long MAX_PART_SIZE = 5L * 1024 * MIB;
  static final int MAX_PARTS = 10_000;
  static final long DEFAULT_PART_SIZE = 16 * MIB;
  static final int DEFAULT_CONCURRENCY = 8;
  static final int DEFAULT_MAX_ATTEMPTS = 5;
  static final String DEFAULT_REGION = "us-east-1";

  S3Settings {
    if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
      throw new InvalidInputException(
          "MLOPS_S3_PART_SIZE is "
              + partSize
              + " bytes; S3 parts must be between 5 MiB and 5 GiB, e.g. 16777216 or 16MiB.");
    }
    if (multipartThreshold < 0) {
      throw new InvalidInputException(
          "MLOPS_S3_MULTIPART_THRESHOLD must not be negative, got " + multipartThreshold + ".");
    }
    if (maxConcurrency < 1 || maxConcurrency > 256) {
      throw new InvalidInputException(
          "MLOPS_S3_MAX_CONCURRENCY must be between 1 and 256, got " + maxConcurrency + ".");
    }
    if (maxAttempts < 1) {
      throw new InvalidInputException(
          "AWS_MAX_ATTEMPTS must be at least 1, got " + maxAttempts + ".");
    }
  }

  /** Reads the settings named on {@link S3ArtifactStoreProvider}. */
  static S3Settings from(BackendContext context) {
    return from(name -> context.setting(name).filter(v -> !v.isBlank()));
  }

  static S3Settings from(Function<String, Optional<String>> setting) {
    URI endpoint =
        setting
            .apply("MLFLOW_S3_ENDPOINT_URL")
            .or(() -> setting.apply("AWS_ENDPOINT_URL_S3"))
            .or(() -> setting.apply("AWS_ENDPOINT_URL"))
            .map(S3Settings::endpoint)
            .orElse(null);
    String region =
        setting
            .apply("AWS_REGION")
            .or(() -> setting.apply("AWS_DEFAULT_REGION"))
            .map(String::trim)
            .orElse(null);
    boolean pathStyle =
        setting
            .apply("MLOPS_S3_PATH_STYLE")
            .map(v -> bool("MLOPS_S3_PATH_STYLE", v))
            .orElse(endpoint != null);
    String keyId = setting.apply("AWS_ACCESS_KEY_ID").map(String::trim).orElse(null);
    String secret = setting.apply("AWS_SECRET_ACCESS_KEY").map(String::trim).orElse(null);
    if ((keyId == null) != (secret == null)) {
      throw new InvalidInputException(
          (keyId == null
                  ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                  : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
              + ": set both, or neither to use AWS_PROFILE or the default credential chain.");
    }
    long partSize =
        setting
            .apply("MLOPS_S3_PART_SIZE")
            .map(v -> size("MLOPS_S3_PART_SIZE", v))
            .orElse(DEFAULT_PART_SIZE);
    long threshold =
        setting
            .apply("MLOPS_S3_MULTIPART_THRESHOLD")
            .map(v -> size("MLOPS_S3_MULTIPART_THRESHOLD", v))
            .orElse(partSize);
    int concurrency =
        setting
            .apply("MLOPS_S3_MAX_CONCURRENCY")
            .map(v -> integer("MLOPS_S3_MAX_CONCURRENCY", v))
            .orElse(DEFAULT_CONCURRENCY);
    int attempts =
        setting
            .apply("AWS_MAX_ATTEMPTS")
            .map(v -> integer("AWS_MAX_ATTEMPTS", v))
            .orElse(DEFAULT_MAX_ATTEMPTS);
    return new S3Settings(
        endpoint,
        region,
        pathStyle,
        keyId,
        secret,
        keyId == null ? null : setting.apply("AWS_SESSION_TOKEN").map(String::trim).orElse(null),
        setting.apply("AWS_PROFILE").map(String::trim).orElse(null),
        setting
            .apply("MLFLOW_S3_IGNORE_TLS")
            .map(v -> bool("MLFLOW_S3_IGNORE_TLS", v))
            .orElse(false),
        partSize,
        threshold,
        concurrency,
        attempts,
        UploadExtraArgs.parse(setting.apply("MLFLOW_S3_UPLOAD_EXTRA_ARGS").orElse(null)),
        setting
            .apply("AWS_REQUEST_CHECKSUM_CALCULATION")
            .map(v -> v.trim().toLowerCase(Locale.ROOT))
            .orElse(null));
  }

  /**
   * Identifies the client these settings need: equal keys may share one client. Holds a hash of the
   * secret, never the secret.
   */
  String clientKey() {
    return "dev.mlops.s3:"
        + endpoint
        + "|"
        + region
        + "|"
        + pathStyle
        + "|"
        + ignoreTls
        + "|"
        + maxConcurrency
        + "|"
        + maxAttempts
        + "|"
        + checksumCalculation
        + "|"
        + profile
        + "|"
        + accessKeyId
        + "|"
        + fingerprint(secretAccessKey)
        + "|"
        + fingerprint(sessionToken);
  }

  /** Where requests go, for messages. */
  String endpointDescription() {
    return endpoint != null
        ? endpoint.toString()
        : "AWS S3" + (region != null ? " (" + region + ")" : "");
  }

  /** The part size for a file of {@code size} bytes: S3 allows at most 10,000 parts. */
  long partSizeFor(long size) {
    long minimum = (size + MAX_PARTS - 1) / MAX_PARTS;
    if (minimum <= partSize) {
      return partSize;
    }
    return ((minimum + MIB - 1) / MIB) * MIB;
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", credentials="
        + (accessKeyId != null
            ? "static"
            : profile != null ? "profile " + profile : "default chain")
        + ", partSize="
        + partSize
        + ", multipartThreshold="
        + multipartThreshold
        + ", maxConcurrency="
        + maxConcurrency
        + ", maxAttempts="
        + maxAttempts
        + ", extraArgs="
        + extraArgs.values().keySet()
        + "]";
  }

  private static URI endpoint(String value) {
    String v = value.trim();
    try {
      URI uri = new URI(v);
      if (uri.getScheme() == null
          || uri.getHost() == null
          || !(uri.getScheme().equalsIgnoreCase("http")
              || uri.getScheme().equalsIgnoreCase("https"))) {
        throw new URISyntaxException(v, "expected http(s)://host[:port]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidInputException(
          "MLFLOW_S3_ENDPOINT_URL '"
              + v
              + "' is not an http(s) URL: give e.g. http://localhost:9000 for MinIO.");
    }
  }

  private static boolean bool(String name, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "true", "1", "yes" -> {
        return true;
      }
      case "false", "0", "no" -> {
        return false;
      }
      default -> throw new InvalidInputException(name + " is '" + value + "': use true or false.");
    }
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " is '" + value + "': give a whole number.");
    }
  }

  /** Bytes, optionally with a binary suffix: {@code 16777216}, {@code 16MiB}, {@code 16M}. */
  static long size(String name, String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
    long factor = 1;
    if (v.endsWith("K")) {
      factor = 1024;
    } else if (v.endsWith("M")) {
      factor = MIB;
    } else if (v.endsWith("G")) {
      factor = 1024 * MIB;
    }
    if (factor != 1) {
      v = v.substring(0, v.length() - 1).trim();
    }
    try {
      return Math.multiplyExact(Long.parseLong(v), factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException(
          name + " is '" + value + "': give a size in bytes, or with a suffix such as 16MiB.");
    }
  }

  private static String fingerprint(@Nullable String secret) {
    if (secret == null) {
      return "-";
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
