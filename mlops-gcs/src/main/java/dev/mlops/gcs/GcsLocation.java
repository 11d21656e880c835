package dev.mlops.gcs;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Validation;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a store's artifacts live: a bucket and an object-name prefix, parsed from {@code
 * gs://bucket/prefix}.
 *
 * @param bucket the bucket name
 * @param prefix the name prefix without leading or trailing {@code /}; "" for the bucket's root
 */
record GcsLocation(String bucket, String prefix) {

  private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9._\\-]{1,220}[a-z0-9]$");

  static GcsLocation parse(String uri) {
    if (!uri.toLowerCase(Locale.ROOT).startsWith("gs://")) {
      throw new InvalidInputException(
          "'" + uri + "' is not a Google Cloud Storage URI: expected gs://bucket/prefix.");
    }
    String rest = uri.substring(5);
    int q = rest.indexOf('?');
    if (q >= 0) {
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1).replaceFirst("^/+", "");
    if (bucket.isEmpty()) {
      throw new InvalidInputException(
          "GCS URI '" + uri + "' names no bucket: expected gs://bucket/prefix.");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new InvalidInputException(
          "GCS bucket name '"
              + bucket
              + "' in '"
              + uri
              + "' is invalid: bucket names are 3-222 characters of lowercase letters, digits,"
              + " '-', '_' and '.', starting and ending with a letter or digit.");
    }
    return new GcsLocation(bucket, Validation.artifactPath(path));
  }

  /** The object name of an artifact path that {@link Validation#artifactPath} has normalised. */
  String name(String normalisedPath) {
    if (prefix.isEmpty()) {
      return normalisedPath;
    }
    return normalisedPath.isEmpty() ? prefix : prefix + "/" + normalisedPath;
  }

  /** The listing prefix of a directory, ending in {@code /}; "" for the bucket's root. */
  String directoryPrefix(String normalisedPath) {
    String name = name(normalisedPath);
    return name.isEmpty() ? "" : name + "/";
  }

  /** The artifact path of an object name under this location. */
  String relativePath(String name) {
    return prefix.isEmpty() ? name : name.substring(Math.min(name.length(), prefix.length() + 1));
  }

  /** {@code gs://bucket/name}, for messages. */
  String uriOf(String name) {
    return "gs://" + bucket + (name.isEmpty() ? "" : "/" + name);
  }

  String rootUri() {
    return uriOf(prefix);
  }
}
