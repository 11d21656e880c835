package dev.mlops.s3;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Validation;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a store's artifacts live: a bucket and a key prefix, parsed from {@code s3://bucket/prefix}
 * (or {@code s3a://}).
 *
 * @param scheme {@code s3} or {@code s3a}, as given
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing {@code /}; "" for the bucket's root
 */
record S3Location(String scheme, String bucket, String prefix) {

  /** Lenient on purpose: S3-compatible stores allow more than AWS does (e.g. underscores). */
  private static final Pattern BUCKET = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._\\-]{2,254}$");

  static S3Location parse(String uri) {
    int sep = uri.indexOf("://");
    String scheme = sep < 0 ? "" : uri.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!scheme.equals("s3") && !scheme.equals("s3a")) {
      throw new InvalidInputException(
          "'" + uri + "' is not an S3 URI: expected s3://bucket/prefix (or s3a://bucket/prefix).");
    }
    String rest = uri.substring(sep + 3);
    int q = rest.indexOf('?');
    if (q >= 0) {
      rest = rest.substring(0, q);
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1).replaceFirst("^/+", "");
    if (bucket.isEmpty()) {
      throw new InvalidInputException(
          "S3 URI '" + uri + "' names no bucket: expected s3://bucket/prefix.");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new InvalidInputException(
          "S3 bucket name '"
              + bucket
              + "' in '"
              + uri
              + "' is invalid: bucket names are 3-63 characters of lowercase letters, digits,"
              + " '.' and '-' (S3-compatible stores may also allow uppercase and '_').");
    }
    return new S3Location(scheme, bucket, Validation.artifactPath(path));
  }

  /** The object key of an artifact path that {@link Validation#artifactPath} has normalised. */
  String key(String normalisedPath) {
    if (prefix.isEmpty()) {
      return normalisedPath;
    }
    return normalisedPath.isEmpty() ? prefix : prefix + "/" + normalisedPath;
  }

  /** The listing prefix of a directory, ending in {@code /}; "" for the bucket's root. */
  String directoryPrefix(String normalisedPath) {
    String key = key(normalisedPath);
    return key.isEmpty() ? "" : key + "/";
  }

  /** The artifact path of an object key under this location. */
  String relativePath(String key) {
    return prefix.isEmpty() ? key : key.substring(Math.min(key.length(), prefix.length() + 1));
  }

  /** {@code s3://bucket/key}, for messages. */
  String uriOf(String key) {
    return scheme + "://" + bucket + (key.isEmpty() ? "" : "/" + key);
  }

  /** The store's root URI. */
  String rootUri() {
    return uriOf(prefix);
  }
}
