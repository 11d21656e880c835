package dev.mlops.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.config.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/** Parsing of user-given URIs, where a plain local path is also accepted. */
public final class Uris {

  private Uris() {}

  /**
   * The scheme of {@code uri}, lowercase; {@code file} for a plain path (including Windows drive
   * paths).
   */
  public static String scheme(String uri) {
    if (uri.isBlank()) {
      throw new InvalidInputException("URI must not be empty.");
    }
    int colon = uri.indexOf(':');
    if (colon <= 1) { // no scheme, or a drive letter such as C:
      return "file";
    }
    String scheme = uri.substring(0, colon);
    for (int i = 0; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      boolean ok = Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.';
      if (!ok || !Character.isLetter(scheme.charAt(0))) {
        return "file";
      }
    }
    return scheme.toLowerCase(Locale.ROOT);
  }

  /** Parses {@code uri}; a plain path becomes its absolute {@code file:} URI. */
  public static URI parse(String uri, Path workingDirectory) {
    if (scheme(uri).equals("file") && !uri.regionMatches(true, 0, "file:", 0, 5)) {
      return localPath(uri, workingDirectory).toUri();
    }
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      throw new InvalidInputException(
          "Malformed URI '"
              + Redaction.uri(uri)
              + "': "
              + e.getReason()
              + ". Expected e.g. sqlite:///mlflow.db, file:/data/mlruns or http://host:5000.");
    }
  }

  /** A plain path, resolved against {@code workingDirectory}. */
  public static Path localPath(String path, Path workingDirectory) {
    try {
      return workingDirectory.resolve(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new InvalidInputException("Invalid local path '" + path + "': " + e.getReason() + ".");
    }
  }
}
