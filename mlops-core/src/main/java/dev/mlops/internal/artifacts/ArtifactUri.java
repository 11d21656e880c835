package dev.mlops.internal.artifacts;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Uris;
import dev.mlops.internal.Validation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Parsing shared by artifacts, models and the registry: {@code runs:/<runId>/<path>} URIs, and
 * splitting a concrete artifact URI into a store root and the last path segment.
 *
 * <pre>{@code
 * RunArtifact a = ArtifactUri.parseRuns("runs:/4f1c0a/model");   // runId 4f1c0a, path model
 * ArtifactLocation l = ArtifactUri.split("s3://bucket/exp/model"); // s3://bucket/exp + model
 * }</pre>
 */
public final class ArtifactUri {

  private static final String RUNS_EXAMPLE =
      "Expected runs:/<run_id>/<path>, e.g. runs:/4f1c0a9e2b7d4c1f8e3a6b5d0c9f1e2a/model.";

  private ArtifactUri() {}

  /** Whether {@code uri} has the {@code runs:} scheme. */
  public static boolean isRuns(String uri) {
    return uri.regionMatches(true, 0, "runs:", 0, 5);
  }

  /** Whether {@code uri} has the {@code models:} scheme. */
  public static boolean isModels(String uri) {
    return uri.regionMatches(true, 0, "models:", 0, 7);
  }

  /**
   * Parses {@code runs:/<runId>/<path>} (also {@code runs:///<runId>/<path>}); the path may be
   * empty for the run's artifact root.
   *
   * @throws InvalidInputException when it is not a well-formed runs URI
   */
  public static RunArtifact parseRuns(String uri) {
    if (!isRuns(uri)) {
      throw malformedRuns(uri, "it does not start with 'runs:/'");
    }
    String rest = uri.substring(5);
    if (rest.startsWith("///")) {
      rest = rest.substring(2);
    } else if (rest.startsWith("//")) {
      throw malformedRuns(uri, "the run id goes right after 'runs:/', there is no host part");
    }
    if (!rest.startsWith("/")) {
      throw malformedRuns(uri, "it does not start with 'runs:/'");
    }
    rest = rest.substring(1);
    int slash = rest.indexOf('/');
    String runId = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    if (runId.isEmpty()) {
      throw malformedRuns(uri, "the run id is missing");
    }
    try {
      return new RunArtifact(Validation.id("Run", runId), Validation.artifactPath(path));
    } catch (InvalidInputException e) {
      throw malformedRuns(uri, e.getMessage());
    }
  }

  private static InvalidInputException malformedRuns(String uri, String reason) {
    return new InvalidInputException(
        "Malformed runs URI '" + Validation.abbreviate(uri) + "': " + reason + ". " + RUNS_EXAMPLE);
  }

  /**
   * Splits a concrete artifact URI (any scheme but {@code runs:} and {@code models:}, or a plain
   * path) into its parent, where a store can be opened, and its last segment. A URI with no path
   * (e.g. {@code s3://bucket}) is its own root with path "".
   */
  public static ArtifactLocation split(String uri) {
    String scheme = Uris.scheme(uri);
    if (scheme.equals("file") && !uri.regionMatches(true, 0, "file:", 0, 5)) {
      return splitPlainPath(uri);
    }
    int start = scheme.length() + 1;
    if (uri.startsWith("//", start)) {
      int slash = uri.indexOf('/', start + 2);
      if (slash < 0) {
        return new ArtifactLocation(uri, "");
      }
      start = slash;
    }
    String path = stripTrailingSlashes(uri.substring(start));
    int last = path.lastIndexOf('/');
    if (last < 0 || last == path.length() - 1) {
      return new ArtifactLocation(uri, "");
    }
    String parent = path.substring(0, last);
    String root = uri.substring(0, start) + (parent.isEmpty() ? "/" : parent);
    return new ArtifactLocation(root, decode(path.substring(last + 1)));
  }

  private static ArtifactLocation splitPlainPath(String uri) {
    Path p;
    try {
      p = Path.of(uri);
    } catch (InvalidPathException e) {
      throw new InvalidInputException(
          "Invalid local artifact path '" + Validation.abbreviate(uri) + "': " + e.getReason());
    }
    Path name = p.getFileName();
    if (name == null) {
      return new ArtifactLocation(uri, "");
    }
    Path parent = p.getParent();
    return new ArtifactLocation(parent == null ? "." : parent.toString(), name.toString());
  }

  /**
   * {@code rootUri} and {@code path} joined with one {@code /}; {@code rootUri} when path is "".
   */
  public static String join(String rootUri, String path) {
    if (path.isEmpty()) {
      return rootUri;
    }
    String root = rootUri;
    while (root.length() > 1 && (root.endsWith("/") || root.endsWith("\\"))) {
      root = root.substring(0, root.length() - 1);
    }
    return root.endsWith("/") ? root + path : root + "/" + path;
  }

  private static String stripTrailingSlashes(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment;
    }
  }
}
