package dev.mlops.mlflow;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.config.Redaction;
import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Where an MLflow server is: its base URL (scheme, host, port and any path prefix, never
 * credentials) and the user info the URI carried, if any.
 *
 * @param base e.g. {@code http://mlflow:5000} or {@code https://host/mlflow}, no trailing slash
 * @param userInfo {@code user:password} from the URI, null when it had none
 */
record ServerAddress(HttpUrl base, @Nullable String userInfo) {

  /** Parses an {@code http(s)://} tracking URI. */
  static ServerAddress parse(String uri) {
    String scheme =
        uri.contains(":") ? uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT) : "";
    if (scheme.equals("databricks")) {
      throw new InvalidInputException(
          "Tracking URI '"
              + Redaction.uri(uri)
              + "': Databricks profiles are not read here. Use the workspace URL,"
              + " https://<workspace-host>, with "
              + ClientSettings.TOKEN
              + " set to a personal access token.");
    }
    HttpUrl url = HttpUrl.parse(uri.strip());
    if (url == null || url.host().isEmpty()) {
      throw new InvalidInputException(
          "Tracking URI '"
              + Redaction.uri(uri)
              + "' is not a valid http(s) URL. Expected e.g. http://mlflow:5000 or"
              + " https://mlflow.example.com/prefix.");
    }
    String userInfo = null;
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      userInfo = url.username() + ":" + url.password();
    }
    HttpUrl.Builder b =
        url.newBuilder().username("").password("").query(null).fragment(null).encodedPath("/");
    List<String> segments = url.encodedPathSegments();
    for (String segment : segments) {
      if (!segment.isEmpty()) {
        b.addEncodedPathSegment(segment);
      }
    }
    HttpUrl base = b.build();
    return new ServerAddress(base, userInfo);
  }

  /** Shows the base URL only. */
  @Override
  public String toString() {
    return "ServerAddress[" + base + "]";
  }
}
