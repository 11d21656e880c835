package dev.mlops.s3;

import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import dev.mlops.internal.Causes;
import dev.mlops.internal.artifacts.BucketLocation;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK failures into the {@link MlopsException} family, with the bucket and key, the
 * endpoint and what to do. Messages never hold credentials.
 */
final class S3Errors {

  private static final Set<String> BAD_CREDENTIALS =
      Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired",
          "InvalidSecurity",
          "AuthorizationHeaderMalformed");

  private static final Set<String> BAD_DIGEST =
      Set.of("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "InvalidChecksum");

  private final BucketLocation location;
  private final String endpoint;

  S3Errors(BucketLocation location, String endpoint) {
    this.location = location;
    this.endpoint = endpoint;
  }

  /**
   * The exception to throw for {@code e}, raised while {@code action} (e.g. "uploading") the object
   * {@code key}. Passes {@link MlopsException}s through.
   */
  MlopsException map(RuntimeException e, String action, String key) {
    if (e instanceof MlopsException m) {
      return m;
    }
    String where = location.uriOf(key);
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
      int status = s3.statusCode();
      String detail = " (" + (code != null ? code + ", " : "") + "HTTP " + status + ")";
      if ("NoSuchBucket".equals(code)) {
        return new NotFoundException(
            "S3 bucket '"
                + location.bucket()
                + "' does not exist at "
                + endpoint
                + " (while "
                + action
                + " "
                + where
                + "). Create the bucket, or fix the artifact location.",
            e);
      }
      if ("NoSuchKey".equals(code) || status == 404) {
        return new NotFoundException("No S3 object at " + where + detail + ".", e);
      }
      if (code != null && BAD_CREDENTIALS.contains(code)) {
        return new PermissionDeniedException(
            "S3 at "
                + endpoint
                + " rejected the credentials while "
                + action
                + " "
                + where
                + detail
                + ". Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for"
                + " temporary credentials), or AWS_PROFILE.",
            e);
      }
      if (status == 403 || status == 401) {
        return new PermissionDeniedException(
            "Access denied while "
                + action
                + " "
                + where
                + detail
                + ": the credentials in use lack permission for bucket '"
                + location.bucket()
                + "' (s3:GetObject, s3:PutObject, s3:ListBucket, s3:DeleteObject,"
                + " s3:AbortMultipartUpload). Check the IAM policy and the bucket policy.",
            e);
      }
      if (code != null && BAD_DIGEST.contains(code)) {
        return new MlopsException(
            "S3 rejected the data for "
                + where
                + " as corrupt"
                + detail
                + ": the bytes sent did not match their checksum, so nothing was stored."
                + " The local file may have changed while it was read; upload it again.",
            e);
      }
      if (status == 412) {
        return new MlopsException(
            where
                + " changed on S3 while "
                + action
                + " it"
                + detail
                + "; nothing was written locally. Try again.",
            e);
      }
      if (status >= 500 || status == 429 || "SlowDown".equals(code)) {
        return new BackendUnavailableException(
            "S3 at "
                + endpoint
                + " is unavailable or busy while "
                + action
                + " "
                + where
                + detail
                + ", after retries. Try again later.",
            e);
      }
      return new MlopsException(
          "S3 refused "
              + action
              + " "
              + where
              + detail
              + ": "
              + (s3.awsErrorDetails() != null
                  ? s3.awsErrorDetails().errorMessage()
                  : e.getMessage()),
          e);
    }
    if (e instanceof SdkClientException) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Unable to load credentials")
          || msg.contains("credentials")
              && (msg.contains("Profile file") || msg.contains("profile"))) {
        return new PermissionDeniedException(
            "No AWS credentials found for "
                + where
                + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with Mlops.builder().setting(...)"
                + " or the environment), or AWS_PROFILE naming a profile in ~/.aws/credentials, or"
                + " run where an IAM role provides them.",
            e);
      }
      if (Causes.has(e, IOException.class)) {
        return new BackendUnavailableException(
            "Cannot reach S3 at "
                + endpoint
                + " while "
                + action
                + " "
                + where
                + " ("
                + rootMessage(e)
                + "), after retries. Check MLFLOW_S3_ENDPOINT_URL and the network.",
            e);
      }
      return new MlopsException(
          "S3 client failed while " + action + " " + where + ": " + rootMessage(e), e);
    }
    return new MlopsException(
        "Unexpected failure while " + action + " " + where + ": " + rootMessage(e), e);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
  }
}
