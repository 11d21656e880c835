package dev.mlops.internal.artifacts;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Validation;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where an object store's artifacts live: a bucket and a key prefix, parsed from a URI such as
 * {@code s3://bucket/prefix} or {@code gs://bucket/prefix}. It maps artifact paths to object keys
 * (Cloud Storage calls them object names) and back.
 *
 * <pre>{@code
 * BucketLocation.Syntax gcs =
 *     new BucketLocation.Syntax(
 *         "GCS", "a Google Cloud Storage URI", List.of("gs"), bucketNames, "3-222 characters ...");
 * BucketLocation root = gcs.parse("gs://ml-bucket/exp/1");
 * root.key("model/MLmodel");       // "exp/1/model/MLmodel"
 * root.directoryPrefix("model");   // "exp/1/model/"
 * root.uriOf("exp/1/model");       // "gs://ml-bucket/exp/1/model"
 * }</pre>
 *
 * @param scheme the URI scheme in lower case, e.g. {@code s3}, {@code s3a} or {@code gs}
 * @param bucket the bucket name
 * @param prefix the key prefix without leading or trailing {@code /}; "" for the bucket's root
 */
public record BucketLocation(String scheme, String bucket, String prefix) {

  /**
   * What one object store accepts in its URIs, and how its messages name it. Each backend module
   * holds one, e.g. {@code s3} and {@code s3a} with S3's bucket rule.
   *
   * @param service the short name in messages, e.g. {@code S3}
   * @param kind what a URI of this store is, after "is not", e.g. {@code an S3 URI}
   * @param schemes the accepted schemes in lower case, the usual one first
   * @param bucketName the bucket names the store accepts
   * @param bucketRule the rule for bucket names, in words, for the message that refuses one
   */
  public record Syntax(
      String service, String kind, List<String> schemes, Pattern bucketName, String bucketRule) {

    public Syntax {
      schemes = List.copyOf(schemes);
      if (schemes.isEmpty()) {
        throw new IllegalArgumentException("a syntax needs at least one scheme");
      }
    }

    /**
     * Splits {@code scheme://bucket/prefix}: the scheme is matched ignoring case, a query is
     * dropped, and the prefix is normalised as an artifact path.
     *
     * @throws InvalidInputException for another scheme, a missing or invalid bucket, or a prefix
     *     with {@code ..}
     */
    public BucketLocation parse(String uri) {
      int sep = uri.indexOf("://");
      String scheme = sep < 0 ? "" : uri.substring(0, sep).toLowerCase(Locale.ROOT);
      if (!schemes.contains(scheme)) {
        throw new InvalidInputException(
            "'" + uri + "' is not " + kind + ": expected " + expectedForms() + ".");
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
            service + " URI '" + uri + "' names no bucket: expected " + form(schemes.get(0)) + ".");
      }
      if (!bucketName.matcher(bucket).matches()) {
        throw new InvalidInputException(
            service
                + " bucket name '"
                + bucket
                + "' in '"
                + uri
                + "' is invalid: bucket names are "
                + bucketRule
                + ".");
      }
      return new BucketLocation(scheme, bucket, Validation.artifactPath(path));
    }

    private String expectedForms() {
      String first = form(schemes.get(0));
      if (schemes.size() == 1) {
        return first;
      }
      List<String> others = schemes.subList(1, schemes.size()).stream().map(Syntax::form).toList();
      return first + " (or " + String.join(" or ", others) + ")";
    }

    private static String form(String scheme) {
      return scheme + "://bucket/prefix";
    }
  }

  /** The object key of an artifact path that {@link Validation#artifactPath} has normalised. */
  public String key(String normalisedPath) {
    if (prefix.isEmpty()) {
      return normalisedPath;
    }
    return normalisedPath.isEmpty() ? prefix : prefix + "/" + normalisedPath;
  }

  /** The listing prefix of a directory, ending in {@code /}; "" for the bucket's root. */
  public String directoryPrefix(String normalisedPath) {
    String key = key(normalisedPath);
    return key.isEmpty() ? "" : key + "/";
  }

  /** The artifact path of an object key under this location. */
  public String relativePath(String key) {
    return prefix.isEmpty() ? key : key.substring(Math.min(key.length(), prefix.length() + 1));
  }

  /** {@code scheme://bucket/key}, for messages. */
  public String uriOf(String key) {
    return scheme + "://" + bucket + (key.isEmpty() ? "" : "/" + key);
  }

  /** The store's root URI. */
  public String rootUri() {
    return uriOf(prefix);
  }
}
