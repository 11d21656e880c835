package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls one MLflow server's REST API: builds URLs under {@code <base>/api/2.0/}, adds the {@code
 * Authorization} header, retries transient failures by {@link RetryPolicy}, and turns failures into
 * the {@link MlopsException} family. Thread-safe; cheap to create (the {@link OkHttpClient} is
 * shared).
 *
 * <p>What is retried depends on whether repeating the call is harmless ({@link Retry#SAFE}: reads,
 * {@code log-batch}, tag and status updates, artifact uploads) or not ({@link Retry#UNSAFE}:
 * creations, renames). Unsafe calls are repeated only when the server cannot have acted on them: a
 * refused connection, 429 and 503.
 */
final class RestClient {

  /** Whether a call may be repeated after a failure that happened after it was sent. */
  enum Retry {
    SAFE,
    UNSAFE
  }

  static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private static final Logger LOG = LoggerFactory.getLogger(RestClient.class);

  private final OkHttpClient http;
  private final HttpUrl base;
  private final ClientSettings settings;

  RestClient(OkHttpClient http, HttpUrl base, ClientSettings settings) {
    this.http = http;
    this.base = base;
    this.settings = settings;
  }

  /** The server's base URL (no credentials, no trailing slash). */
  HttpUrl base() {
    return base;
  }

  ClientSettings settings() {
    return settings;
  }

  /** {@code <base>/api/2.0/<path>}, each segment of {@code path} encoded. */
  HttpUrl.Builder url(String path) {
    return base.newBuilder().addPathSegments("api/2.0").addPathSegments(path);
  }

  /**
   * A GET with query parameters; a value that is an {@link Iterable} becomes a repeated parameter.
   * Null values are left out.
   */
  JsonNode get(String path, Map<String, ?> query) {
    HttpUrl.Builder url = url(path);
    query.forEach(
        (name, value) -> {
          if (value instanceof Iterable<?> values) {
            for (Object v : values) {
              url.addQueryParameter(name, String.valueOf(v));
            }
          } else if (value != null) {
            url.addQueryParameter(name, String.valueOf(value));
          }
        });
    return json(new Request.Builder().url(url.build()).get().build(), Retry.SAFE);
  }

  JsonNode post(String path, ObjectNode body, Retry retry) {
    return send("POST", path, body, retry);
  }

  /** A POST of a body already serialized as JSON. */
  JsonNode post(String path, byte[] json, Retry retry) {
    RequestBody body = jsonBody(json, retry == Retry.UNSAFE);
    return json(new Request.Builder().url(url(path).build()).post(body).build(), retry);
  }

  JsonNode patch(String path, ObjectNode body, Retry retry) {
    return send("PATCH", path, body, retry);
  }

  /** A DELETE with a JSON body, as MLflow's registry endpoints expect. */
  JsonNode delete(String path, ObjectNode body, Retry retry) {
    return send("DELETE", path, body, retry);
  }

  private JsonNode send(String method, String path, ObjectNode body, Retry retry) {
    RequestBody requestBody =
        jsonBody(Json.write(body).getBytes(StandardCharsets.UTF_8), retry == Retry.UNSAFE);
    return json(
        new Request.Builder().url(url(path).build()).method(method, requestBody).build(), retry);
  }

  /**
   * Executes and reads a JSON object; failures become exceptions. A safe call whose answer breaks
   * off while its body is read is sent again.
   */
  JsonNode json(Request request, Retry retry) {
    for (int attempt = 1; ; attempt++) {
      try (Response response = execute(request, retry)) {
        String body = response.body().string();
        if (!response.isSuccessful()) {
          throw error(request, response.code(), body);
        }
        return parse(request, response.code(), body);
      } catch (IOException e) {
        if (retry == Retry.UNSAFE || attempt > settings.retry().maxRetries()) {
          throw ServerErrors.fromIoFailure(e, describe(request), base.toString(), attempt);
        }
        pause(request, attempt, null, e.toString());
      }
    }
  }

  private static JsonNode parse(Request request, int status, String body) {
    if (body.isBlank()) {
      return Json.object();
    }
    JsonNode node = Json.parseOrNull(body);
    if (node == null) {
      throw new MlopsException(
          describe(request)
              + " answered HTTP "
              + status
              + " with a body that is not MLflow JSON: \""
              + ServerErrors.excerpt(body)
              + "\". A login page or proxy may have answered: check the tracking URI and"
              + " credentials.");
    }
    return node;
  }

  /**
   * Sends {@code request} with retries and returns the last response, successful or not; the caller
   * closes it. Throws when no response came back.
   */
  Response execute(Request request, Retry retry) {
    Request authorized = authorize(request);
    int maxAttempts = settings.retry().maxRetries() + 1;
    for (int attempt = 1; ; attempt++) {
      Response response;
      try {
        response = http.newCall(authorized).execute();
      } catch (IOException e) {
        boolean retryable = retry == Retry.SAFE || e instanceof ConnectException;
        if (!retryable || attempt >= maxAttempts || !isTransient(e)) {
          throw ServerErrors.fromIoFailure(e, describe(request), base.toString(), attempt);
        }
        pause(request, attempt, null, e.toString());
        continue;
      }
      int code = response.code();
      if (attempt < maxAttempts && isRetryableStatus(code, retry)) {
        Duration retryAfter = retryAfter(response.header("Retry-After"));
        response.close();
        pause(request, attempt, retryAfter, "HTTP " + code);
        continue;
      }
      return response;
    }
  }

  /** The exception for a failed response (its body already read). */
  MlopsException error(Request request, int status, String body) {
    return ServerErrors.fromResponse(status, body, describe(request), settings.authKind());
  }

  private Request authorize(Request request) {
    String authorization = settings.authorization();
    if (authorization == null || !sameServer(request.url())) {
      return request;
    }
    return request.newBuilder().header("Authorization", authorization).build();
  }

  private boolean sameServer(HttpUrl url) {
    return url.host().equals(base.host()) && url.port() == base.port();
  }

  private static boolean isTransient(IOException e) {
    return !(e instanceof java.net.UnknownHostException)
        && !(e instanceof javax.net.ssl.SSLPeerUnverifiedException)
        && !(e instanceof javax.net.ssl.SSLHandshakeException);
  }

  private static boolean isRetryableStatus(int code, Retry retry) {
    if (code == 429 || code == 503) {
      return true;
    }
    return retry == Retry.SAFE && (code == 408 || code == 500 || code == 502 || code == 504);
  }

  private void pause(Request request, int attempt, @Nullable Duration retryAfter, String why) {
    Duration wait = settings.retry().delay(attempt, retryAfter);
    LOG.debug(
        "{} failed ({}); retry {} of {} in {} ms",
        describe(request),
        why,
        attempt,
        settings.retry().maxRetries(),
        wait.toMillis());
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException(
          describe(request) + " was interrupted while waiting to retry after " + why + ".", e);
    }
  }

  static @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.strip();
    try {
      return Duration.ofSeconds(Long.parseLong(h));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /** {@code METHOD url}, for messages; the URL never holds credentials. */
  static String describe(Request request) {
    return request.method() + " " + request.url();
  }

  /**
   * A JSON body; a one-shot body for unsafe calls, so that OkHttp itself never repeats one that was
   * already sent.
   */
  static RequestBody jsonBody(byte[] json, boolean oneShot) {
    RequestBody body = RequestBody.create(json, JSON);
    if (!oneShot) {
      return body;
    }
    return new RequestBody() {
      @Override
      public @Nullable MediaType contentType() {
        return body.contentType();
      }

      @Override
      public long contentLength() throws IOException {
        return body.contentLength();
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        body.writeTo(sink);
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };
  }
}
