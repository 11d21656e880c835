package dev.mlops.mlflow;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Uris;
import dev.mlops.internal.config.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import okhttp3.HttpUrl;

/**
 * Where an artifact root lives on an MLflow artifacts proxy: the server's base URL and the root's
 * path under {@code /api/2.0/mlflow-artifacts/artifacts}. Resolves URIs the way MLflow's clients
 * do:
 *
 * <ul>
 *   <li>{@code mlflow-artifacts:/1/abc/artifacts}: on the tracking server;
 *   <li>{@code mlflow-artifacts://host:5000/1/abc/artifacts}: on that host, with the tracking URI's
 *       scheme and path prefix;
 *   <li>{@code http(s)://host/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts}: as written.
 * </ul>
 *
 * @param base the server's base URL
 * @param root the root's path under the artifacts endpoint, without leading or trailing slashes
 */
record ArtifactLocation(HttpUrl base, String root) {

  static final String SCHEME = "mlflow-artifacts";
  static final String HTTP_ANCHOR = "/api/2.0/mlflow-artifacts/artifacts";

  /** Parses {@code artifactUri}, taking the server from {@code trackingUri} where it names none. */
  static ArtifactLocation parse(String artifactUri, String trackingUri) {
    String scheme = Uris.scheme(artifactUri);
    if (scheme.equals(SCHEME)) {
      return fromMlflowArtifacts(artifactUri, trackingUri);
    }
    if (scheme.equals("http") || scheme.equals("https")) {
      return fromHttp(artifactUri);
    }
    throw new InvalidInputException(
        "'"
            + Redaction.uri(artifactUri)
            + "' is not an MLflow artifacts proxy URI: expected mlflow-artifacts:/<path> or"
            + " http(s)://<server>"
            + HTTP_ANCHOR
            + "/<path>.");
  }

  private static ArtifactLocation fromMlflowArtifacts(String artifactUri, String trackingUri) {
    URI uri;
    try {
      uri = new URI(artifactUri);
    } catch (URISyntaxException e) {
      throw new InvalidInputException(
          "Malformed artifact URI '" + Redaction.uri(artifactUri) + "': " + e.getReason() + ".");
    }
    String path = strip(uri.getPath() == null ? "" : uri.getPath());
    String authority = uri.getRawAuthority();
    String trackingScheme = Uris.scheme(trackingUri);
    boolean httpTracking = trackingScheme.equals("http") || trackingScheme.equals("https");
    if (!httpTracking) {
      if (authority == null || authority.isEmpty()) {
        throw new InvalidInputException(
            "Artifact URI '"
                + Redaction.uri(artifactUri)
                + "' names no server and the tracking URI '"
                + Redaction.uri(trackingUri)
                + "' is not an http(s) MLflow server. Use mlflow-artifacts://<host>:<port>/<path>"
                + " or track to the MLflow server that holds these artifacts.");
      }
      return new ArtifactLocation(ServerAddress.parse("http://" + authority).base(), path);
    }
    HttpUrl tracking = ServerAddress.parse(trackingUri).base();
    if (authority == null || authority.isEmpty()) {
      return new ArtifactLocation(tracking, path);
    }
    HttpUrl other = ServerAddress.parse(tracking.scheme() + "://" + authority).base();
    HttpUrl base = tracking.newBuilder().host(other.host()).port(other.port()).build();
    return new ArtifactLocation(base, path);
  }

  private static ArtifactLocation fromHttp(String artifactUri) {
    HttpUrl url = HttpUrl.parse(artifactUri.strip());
    if (url == null) {
      throw new InvalidInputException(
          "Artifact URI '" + Redaction.uri(artifactUri) + "' is not a valid http(s) URL.");
    }
    String path = url.encodedPath();
    int at = path.indexOf(HTTP_ANCHOR);
    if (at < 0
        || (path.length() > at + HTTP_ANCHOR.length()
            && path.charAt(at + HTTP_ANCHOR.length()) != '/')) {
      throw new InvalidInputException(
          "Artifact URI '"
              + Redaction.uri(artifactUri)
              + "' is not an MLflow artifacts proxy URL: its path must contain "
              + HTTP_ANCHOR
              + "/<path>. Other HTTP artifact locations are not supported.");
    }
    String prefix = path.substring(0, at);
    String rest = path.substring(at + HTTP_ANCHOR.length());
    HttpUrl base =
        ServerAddress.parse(
                url.newBuilder()
                    .encodedPath(prefix.isEmpty() ? "/" : prefix)
                    .query(null)
                    .build()
                    .toString())
            .base();
    HttpUrl decoded = HttpUrl.parse("http://h" + (rest.isEmpty() ? "/" : rest));
    String root = decoded == null ? strip(rest) : strip(String.join("/", decoded.pathSegments()));
    return new ArtifactLocation(base, root);
  }

  /** {@code root/relative}, or either alone when the other is empty. */
  String join(String relative) {
    if (root.isEmpty()) {
      return relative;
    }
    return relative.isEmpty() ? root : root + "/" + relative;
  }

  private static String strip(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  @Override
  public String toString() {
    return "ArtifactLocation[" + base + " " + root + "]";
  }
}
