package dev.mlops.gcs;

import com.google.cloud.BaseServiceException;
import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.PermissionDeniedException;
import dev.mlops.internal.Causes;
import dev.mlops.internal.artifacts.BucketLocation;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns Cloud Storage failures into the {@link MlopsException} family, with the bucket and object
 * and what to do.
 */
final class GcsErrors {

  private final BucketLocation location;

  GcsErrors(BucketLocation location) {
    this.location = location;
  }

  /** The exception for {@code e}, raised while {@code action} the object {@code name}. */
  MlopsException map(Exception e, String action, String name) {
    if (e instanceof MlopsException m) {
      return m;
    }
    String where = location.uriOf(name);
    BaseServiceException service = Causes.find(e, BaseServiceException.class);
    if (service == null) {
      if (e instanceof IOException) {
        return new BackendUnavailableException(
            "Cannot reach Google Cloud Storage while " + action + " " + where + ": " + e + ".", e);
      }
      return new MlopsException(
          "Google Cloud Storage failed while " + action + " " + where + ": " + e, e);
    }
    int code = service.getCode();
    String message = String.valueOf(service.getMessage());
    String detail =
        " (HTTP " + code + (service.getReason() != null ? ", " + service.getReason() : "") + ")";
    if (code == 404 && message.toLowerCase(Locale.ROOT).contains("bucket")) {
      return new NotFoundException(
          "GCS bucket '"
              + location.bucket()
              + "' does not exist (while "
              + action
              + " "
              + where
              + "). Create the bucket, or fix the artifact location.",
          e);
    }
    if (code == 404) {
      return new NotFoundException("No GCS object at " + where + detail + ".", e);
    }
    if (code == 401 || code == 403) {
      return new PermissionDeniedException(
          "Access denied while "
              + action
              + " "
              + where
              + detail
              + ": the credentials in use lack permission on bucket '"
              + location.bucket()
              + "' (e.g. roles/storage.objectAdmin). Check GOOGLE_APPLICATION_CREDENTIALS and the"
              + " bucket's IAM policy.",
          e);
    }
    if (code == 412) {
      return new MlopsException(
          where + " changed in Cloud Storage while " + action + " it" + detail + "; try again.", e);
    }
    if (code == 400
        && (message.contains("CRC32C") || message.toLowerCase(Locale.ROOT).contains("checksum"))) {
      return new MlopsException(
          "Cloud Storage refused the data for "
              + where
              + " because its CRC32C did not match"
              + detail
              + ": nothing was stored. The local file may have changed while it was read; upload it"
              + " again.",
          e);
    }
    if (code == 429 || code >= 500 || code == 0 && Causes.has(e, IOException.class)) {
      return new BackendUnavailableException(
          "Google Cloud Storage is unavailable or busy while "
              + action
              + " "
              + where
              + detail
              + ": "
              + message
              + ". Try again later.",
          e);
    }
    return new MlopsException(
        "Google Cloud Storage refused " + action + " " + where + detail + ": " + message, e);
  }
}
