package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.AlreadyExistsException;
import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what an MLflow server (or a proxy in front of it) answered into the {@link MlopsException}
 * family. MLflow error bodies ({@code {"error_code": ..., "message": ...}}) are mapped by code and
 * keep the server's message; anything else (an HTML page from a proxy) is described by status code
 * and a short excerpt.
 */
final class ServerErrors {

  private static final int EXCERPT = 200;

  private ServerErrors() {}

  /**
   * The exception for an unsuccessful answer.
   *
   * @param call e.g. {@code POST http://host:5000/api/2.0/mlflow/runs/create}, without secrets
   * @param authKind what credentials were sent, for the permission hint
   */
  static MlopsException fromResponse(int status, String body, String call, String authKind) {
    JsonNode json = Json.parseOrNull(body);
    String code = json == null ? "" : Json.text(json, "error_code");
    if (json == null || code.isEmpty()) {
      return fromPlainResponse(status, body, call, authKind);
    }
    String message = Json.text(json, "message");
    String what = call + " failed with " + code + " (HTTP " + status + "): " + message;
    return switch (code) {
      case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND" -> new NotFoundException(what);
      case "RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS" -> new AlreadyExistsException(what);
      case "INVALID_PARAMETER_VALUE",
          "BAD_REQUEST",
          "INVALID_STATE",
          "MALFORMED_REQUEST",
          "INVALID_REQUEST",
          "MAX_BLOB_SIZE_EXCEEDED",
          "MAX_LIST_SIZE_EXCEEDED",
          "MAX_READ_SIZE_EXCEEDED",
          "RESOURCE_LIMIT_EXCEEDED" ->
          new InvalidInputException(what);
      case "PERMISSION_DENIED", "UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED", "UNAUTHORIZED" ->
          new PermissionDeniedException(what + ". " + permissionHint(authKind));
      case "REQUEST_LIMIT_EXCEEDED", "TEMPORARILY_UNAVAILABLE", "DEADLINE_EXCEEDED" ->
          new BackendUnavailableException(what + ". Try again later.");
      case "ENDPOINT_NOT_FOUND", "NOT_IMPLEMENTED", "FEATURE_DISABLED" ->
          new MlopsException(
              what + ". The server does not offer this call; it may be an older MLflow version.");
      default ->
          status >= 500
              ? new BackendUnavailableException(what + ". The server failed; try again later.")
              : new MlopsException(what);
    };
  }

  private static MlopsException fromPlainResponse(
      int status, String body, String call, String authKind) {
    String excerpt = excerpt(body);
    String what =
        call
            + " failed with HTTP "
            + status
            + (excerpt.isEmpty()
                ? " and an empty body"
                : " and a non-MLflow body: \"" + excerpt + "\"");
    if (status == 401 || status == 403) {
      return new PermissionDeniedException(what + ". " + permissionHint(authKind));
    }
    if (status == 429 || status >= 500) {
      return new BackendUnavailableException(
          what + ". The server or a proxy in front of it is unavailable; try again later.");
    }
    if (status == 404) {
      return new MlopsException(
          what
              + ". No MLflow REST API answered at this address: check that the tracking URI points"
              + " at an MLflow server, including any path prefix.");
    }
    if (status == 413) {
      return new InvalidInputException(
          what + ". The request is larger than the server or a proxy accepts.");
    }
    if (status >= 400 && status < 500) {
      return new InvalidInputException(what + ".");
    }
    return new MlopsException(what + ". A proxy in front of the MLflow server may have answered.");
  }

  /** The exception for a request that got no answer. */
  static MlopsException fromIoFailure(IOException e, String call, String server, int attempts) {
    String tries = attempts > 1 ? " (" + attempts + " attempts)" : "";
    if (e instanceof UnknownHostException) {
      return new BackendUnavailableException(
          call
              + " failed: unknown host '"
              + e.getMessage()
              + "'. Check the host name in the tracking URI "
              + server
              + ".",
          e);
    }
    if (e instanceof SSLException) {
      return new BackendUnavailableException(
          call
              + " failed during the TLS handshake: "
              + e.getMessage()
              + ". Set "
              + ClientSettings.SERVER_CERT_PATH
              + " to the server's CA certificate, or "
              + ClientSettings.INSECURE_TLS
              + "=true to skip verification.",
          e);
    }
    if (e instanceof ConnectException) {
      return new BackendUnavailableException(
          call
              + " failed"
              + tries
              + ": cannot connect to "
              + server
              + " ("
              + e.getMessage()
              + "). Check that the MLflow server is running and the tracking URI is right.",
          e);
    }
    if (e instanceof SocketTimeoutException) {
      return new BackendUnavailableException(
          call
              + " timed out"
              + tries
              + ". The server at "
              + server
              + " is slow or unreachable; raise "
              + ClientSettings.TIMEOUT
              + " (seconds) if it is just slow.",
          e);
    }
    return new BackendUnavailableException(
        call + " failed" + tries + ": " + e + ". The connection to " + server + " broke.", e);
  }

  private static String permissionHint(String authKind) {
    return "The request carried "
        + authKind
        + ". Check "
        + ClientSettings.TOKEN
        + ", or "
        + ClientSettings.USERNAME
        + " and "
        + ClientSettings.PASSWORD
        + ", and that this user may do this.";
  }

  /** At most 200 characters of {@code body}, with markup removed and whitespace collapsed. */
  static String excerpt(@Nullable String body) {
    if (body == null) {
      return "";
    }
    String s = body.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ");
    s = s.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    return s.length() <= EXCERPT ? s : s.substring(0, EXCERPT - 3) + "...";
  }
}
