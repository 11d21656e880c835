package dev.mlops.s3;

import dev.mlops.internal.artifacts.BucketLocation;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What one transfer needs: the client, the pools, where the store lives and how to move data.
 *
 * @param clients the shared client and pools
 * @param location the store's bucket and prefix
 * @param settings part sizes, thresholds and extra upload arguments
 * @param errors maps SDK failures for this location
 */
record TransferContext(
    S3Clients clients, BucketLocation location, S3Settings settings, S3Errors errors) {

  S3Client s3() {
    return clients.s3();
  }

  ExecutorService parts() {
    return clients.parts();
  }

  ExecutorService files() {
    return clients.files();
  }

  String bucket() {
    return location.bucket();
  }

  /**
   * Whether multipart uploads name CRC32 as their checksum algorithm, so S3 checks each part and
   * the whole: on AWS itself unless {@code AWS_REQUEST_CHECKSUM_CALCULATION=when_required}; with an
   * endpoint override only when it is {@code when_supported}.
   */
  boolean explicitChecksums() {
    String c = settings.checksumCalculation();
    return c != null ? c.equals("when_supported") : settings.endpoint() == null;
  }

  /** Whether ETags are the MD5 of what was written, so they can be checked. */
  boolean etagsAreMd5() {
    return !settings.extraArgs().hidesMd5Etag();
  }
}
