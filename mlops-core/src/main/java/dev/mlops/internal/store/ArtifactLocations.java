package dev.mlops.internal.store;

import dev.mlops.internal.Uris;
import java.nio.file.Path;

/**
 * Artifact locations as MLflow's SQL store writes them: local ones as plain absolute paths (what
 * {@code resolve_uri_if_local} produces), everything else as given, children joined with {@code /}.
 */
final class ArtifactLocations {

  private ArtifactLocations() {}

  /** {@code base} with each of {@code parts} appended after a single {@code /}. */
  static String append(String base, String... parts) {
    StringBuilder sb = new StringBuilder(base);
    for (String part : parts) {
      if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '/') {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  /**
   * A user-given location: a plain relative path becomes absolute against {@code workingDirectory};
   * URIs ({@code file:}, {@code s3:}, ...) and absolute paths are kept as given.
   */
  static String resolve(String location, Path workingDirectory) {
    boolean plainPath =
        Uris.scheme(location).equals("file") && !location.regionMatches(true, 0, "file:", 0, 5);
    if (!plainPath) {
      return location;
    }
    return Uris.localPath(location, workingDirectory).toString();
  }
}
