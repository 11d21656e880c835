package dev.mlops.mlflow;

import dev.mlops.InvalidInputException;
import dev.mlops.spi.BackendContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to talk to MLflow servers, read from the MLflow environment-variable settings of one {@link
 * BackendContext} (see the {@linkplain dev.mlops.mlflow package documentation} for the names and
 * defaults). Holds the {@code Authorization} header value, so {@link #toString()} hides it.
 *
 * @param authorization the header value, null to send none
 * @param authKind what the header carries, for error hints: "a bearer token", "a user name and
 *     password" or "no credentials"
 * @param insecureTls skip certificate and host name verification
 * @param serverCertPath PEM file of CA certificates to trust, null for the JVM defaults
 * @param timeout connect, read and write timeout of one request
 * @param retry retries of transient failures
 * @param multipartUpload whether large artifact uploads try the proxy's multipart API
 * @param multipartMinimumSize files of at least this many bytes go in parts
 * @param multipartChunkSize bytes per part
 */
record ClientSettings(
    @Nullable String authorization,
    String authKind,
    boolean insecureTls,
    @Nullable Path serverCertPath,
    Duration timeout,
    RetryPolicy retry,
    boolean multipartUpload,
    long multipartMinimumSize,
    long multipartChunkSize) {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSettings.class);

  static final String TOKEN = "MLFLOW_TRACKING_TOKEN";
  static final String USERNAME = "MLFLOW_TRACKING_USERNAME";
  static final String PASSWORD = "MLFLOW_TRACKING_PASSWORD";
  static final String INSECURE_TLS = "MLFLOW_TRACKING_INSECURE_TLS";
  static final String SERVER_CERT_PATH = "MLFLOW_TRACKING_SERVER_CERT_PATH";
  static final String CLIENT_CERT_PATH = "MLFLOW_TRACKING_CLIENT_CERT_PATH";
  static final String TIMEOUT = "MLFLOW_HTTP_REQUEST_TIMEOUT";
  static final String MAX_RETRIES = "MLFLOW_HTTP_REQUEST_MAX_RETRIES";
  static final String BACKOFF_FACTOR = "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR";
  static final String MAX_BACKOFF = "MLFLOW_HTTP_REQUEST_MAX_BACKOFF";
  static final String MULTIPART = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
  static final String MULTIPART_MIN_SIZE = "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE";
  static final String MULTIPART_CHUNK_SIZE = "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE";

  /** Reads every setting; malformed values fail with the setting's name and what is expected. */
  static ClientSettings read(BackendContext context, @Nullable String userInfo) {
    Optional<String> token = nonBlank(context, TOKEN);
    Optional<String> user = nonBlank(context, USERNAME);
    Optional<String> password = nonBlank(context, PASSWORD);
    String authorization = null;
    String authKind = "no credentials";
    if (token.isPresent()) {
      authorization = "Bearer " + token.get();
      authKind = "a bearer token (" + TOKEN + ")";
    } else if (user.isPresent() || password.isPresent()) {
      if (user.isEmpty() || password.isEmpty()) {
        throw new InvalidInputException(
            (user.isEmpty() ? USERNAME : PASSWORD)
                + " is not set but "
                + (user.isEmpty() ? PASSWORD : USERNAME)
                + " is: HTTP Basic authentication needs both. Set both, or neither.");
      }
      authorization = basic(user.get(), password.get());
      authKind = "a user name and password (" + USERNAME + "/" + PASSWORD + ")";
    } else if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      authorization =
          colon < 0
              ? basic(userInfo, "")
              : basic(userInfo.substring(0, colon), userInfo.substring(colon + 1));
      authKind = "a user name and password (from the tracking URI)";
    }
    if (nonBlank(context, CLIENT_CERT_PATH).isPresent()) {
      LOG.warn(
          "{} is set but client certificates are not read from PEM files here: configure the JVM"
              + " key store (javax.net.ssl.keyStore) instead.",
          CLIENT_CERT_PATH);
    }
    Path certPath = nonBlank(context, SERVER_CERT_PATH).map(Path::of).orElse(null);
    if (certPath != null && !Files.isReadable(certPath)) {
      throw new InvalidInputException(
          SERVER_CERT_PATH
              + " points at '"
              + certPath
              + "', which is not a readable file. Give the path of a PEM file of CA certificates.");
    }
    RetryPolicy retry =
        new RetryPolicy(
            (int) wholeNumber(context, MAX_RETRIES, RetryPolicy.DEFAULT.maxRetries(), 0, 100),
            seconds(context, BACKOFF_FACTOR, RetryPolicy.DEFAULT.backoffFactor()),
            seconds(context, MAX_BACKOFF, RetryPolicy.DEFAULT.maxBackoff()));
    return new ClientSettings(
        authorization,
        authKind,
        bool(context, INSECURE_TLS),
        certPath,
        seconds(context, TIMEOUT, Duration.ofSeconds(120)),
        retry,
        bool(context, MULTIPART),
        wholeNumber(context, MULTIPART_MIN_SIZE, 500L * 1024 * 1024, 1, Long.MAX_VALUE),
        wholeNumber(context, MULTIPART_CHUNK_SIZE, 100L * 1024 * 1024, 1, Integer.MAX_VALUE));
  }

  private static String basic(String user, String password) {
    String pair = user + ":" + password;
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Optional<String> nonBlank(BackendContext context, String name) {
    return context.setting(name).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static boolean bool(BackendContext context, String name) {
    Optional<String> v = nonBlank(context, name);
    if (v.isEmpty()) {
      return false;
    }
    return switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new InvalidInputException(
              name + " must be 'true' or 'false', got '" + v.get() + "'. Fix or unset it.");
    };
  }

  private static long wholeNumber(
      BackendContext context, String name, long fallback, long min, long max) {
    Optional<String> v = nonBlank(context, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.get());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          name
              + " must be a whole number from "
              + min
              + " to "
              + max
              + ", got '"
              + v.get()
              + "'. Fix or unset it.");
    }
  }

  private static Duration seconds(BackendContext context, String name, Duration fallback) {
    Optional<String> v = nonBlank(context, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      double s = Double.parseDouble(v.get());
      if (!(s >= 0) || s > 86_400) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.round(s * 1000));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          name
              + " must be a number of seconds from 0 to 86400, got '"
              + v.get()
              + "'. Fix or unset it.");
    }
  }

  /** Shows everything but the credentials. */
  @Override
  public String toString() {
    return "ClientSettings[auth="
        + authKind
        + ", insecureTls="
        + insecureTls
        + ", serverCertPath="
        + serverCertPath
        + ", timeout="
        + timeout
        + ", retry="
        + retry
        + ", multipartUpload="
        + multipartUpload
        + "]";
  }
}
