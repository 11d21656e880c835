package dev.mlops.s3;

import dev.mlops.MlopsException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/**
 * One multipart upload's life: started, then completed, or else aborted so that no parts are left
 * behind (they would be billed and show up in {@code ListMultipartUploads}).
 */
final class MultipartUpload {

  private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);

  private final TransferContext c;
  private final String key;
  private final String uploadId;
  private boolean completed;

  private MultipartUpload(TransferContext c, String key, String uploadId) {
    this.c = c;
    this.key = key;
    this.uploadId = uploadId;
  }

  static MultipartUpload start(
      TransferContext c, String key, CreateMultipartUploadRequest request) {
    return new MultipartUpload(c, key, c.s3().createMultipartUpload(request).uploadId());
  }

  String uploadId() {
    return uploadId;
  }

  /** Completes the upload; returns the object's ETag, without quotes. */
  String complete(List<CompletedPart> parts) {
    String etag =
        c.s3()
            .completeMultipartUpload(
                b ->
                    b.bucket(c.bucket())
                        .key(key)
                        .uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)))
            .eTag();
    completed = true;
    return Checksums.etag(etag);
  }

  /**
   * Checks the stored object's ETag against the one its parts' MD5s give; on a mismatch deletes the
   * object and throws.
   */
  void verifyFinalEtag(String actual, String expected) {
    if (!c.etagsAreMd5() || Checksums.multipartCount(actual) < 0 || actual.equals(expected)) {
      return;
    }
    try {
      c.s3().deleteObject(b -> b.bucket(c.bucket()).key(key));
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not delete {} after an ETag mismatch: {}", c.location().uriOf(key), e.toString());
    }
    throw new MlopsException(
        "S3 assembled "
            + c.location().uriOf(key)
            + " with ETag "
            + actual
            + " but its parts give "
            + expected
            + ": the object was deleted. Upload the file again.");
  }

  /** Aborts the upload unless it completed; never throws. */
  void abortUnlessCompleted() {
    if (completed) {
      return;
    }
    try {
      c.s3().abortMultipartUpload(b -> b.bucket(c.bucket()).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not abort multipart upload {} of {}: {}. Its parts stay until a bucket lifecycle"
              + " rule (AbortIncompleteMultipartUpload) removes them.",
          uploadId,
          c.location().uriOf(key),
          e.toString());
    }
  }
}
