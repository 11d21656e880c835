package dev.mlops.s3;

import dev.mlops.MlopsException;
import dev.mlops.internal.LocalFileState;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one local file. Up to the multipart threshold: one request carrying the file's MD5
 * ({@code Content-MD5}), so S3 stores all of it or nothing. Above it: a multipart upload whose
 * parts stream from disk in parallel; the file is checked for changes before the upload is
 * completed, and any failure aborts the multipart upload.
 *
 * <p>Parts are not hashed here: in transit they are covered by SigV4's signed chunks over HTTP, by
 * TLS over HTTPS, and on AWS by S3's CRC32 checksums; the part size goes into the object's metadata
 * so that every download checks all bytes against the ETag S3 computed on arrival.
 */
final class FileUpload {

  private static final Logger LOG = LoggerFactory.getLogger(FileUpload.class);

  /** User metadata holding the part size, so downloads can check multipart ETags. */
  static final String PART_SIZE_METADATA = "mlops-part-size";

  private final TransferContext c;
  private final Path file;
  private final String key;
  private final Progress progress;
  private final LocalFileState before;

  private FileUpload(TransferContext c, Path file, String key, String path, TransferListener l) {
    this.c = c;
    this.file = file;
    this.key = key;
    this.before = LocalFileState.of(file);
    this.progress = new Progress(l, path, before.size());
  }

  /** Uploads {@code file} to {@code key}; {@code path} names it to the listener. */
  static void upload(
      TransferContext c, Path file, String key, String path, TransferListener listener) {
    new FileUpload(c, file, key, path, listener).run();
  }

  private void run() {
    try {
      if (before.size() <= c.settings().multipartThreshold()) {
        single();
      } else {
        multipart();
      }
    } catch (MlopsException e) {
      throw e;
    } catch (RuntimeException e) {
      LocalFileState now = LocalFileState.now(file);
      if (!before.equals(now)) {
        throw changed(now, e);
      }
      throw c.errors().map(e, "uploading", key);
    }
    progress.finish();
  }

  private void single() {
    byte[] md5;
    try {
      md5 = Checksums.md5(file, before.size());
    } catch (IOException e) {
      throw new MlopsException("Cannot read local file '" + file + "': " + e + ".", e);
    }
    if (!before.equals(LocalFileState.now(file))) {
      throw changed(LocalFileState.now(file), null);
    }
    String type = contentType(file, c);
    PutObjectRequest.Builder b =
        PutObjectRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .contentLength(before.size())
            .contentMD5(Checksums.base64(md5))
            .contentType(type);
    c.settings().extraArgs().applyTo(b, Map.of());
    FilePart body = new FilePart(file, 0, before.size(), progress);
    PutObjectResponse r =
        c.s3().putObject(b.build(), RequestBody.fromContentProvider(body, before.size(), type));
    String etag = Checksums.etag(r.eTag());
    if (c.etagsAreMd5() && Checksums.isPlainMd5(etag) && !etag.equals(Checksums.hex(md5))) {
      throw new MlopsException(
          "S3 stored "
              + c.location().uriOf(key)
              + " with ETag "
              + etag
              + " but the file's MD5 is "
              + Checksums.hex(md5)
              + ": the data was altered in transit. Upload it again.");
    }
    LocalFileState after = LocalFileState.now(file);
    if (!before.equals(after)) {
      throw new MlopsException(
          "Local file '"
              + file
              + "' changed while it was being uploaded to "
              + c.location().uriOf(key)
              + " ("
              + before.change(after)
              + "). S3 holds the complete content read before the change (checked by its MD5);"
              + " upload the file again once nothing writes to it.");
    }
  }

  private record Part(int number, String etag, @Nullable String crc32) {}

  private void multipart() {
    long size = before.size();
    long partSize = c.settings().partSizeFor(size);
    int count = (int) ((size + partSize - 1) / partSize);
    CreateMultipartUploadRequest.Builder cb =
        CreateMultipartUploadRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .contentType(contentType(file, c));
    if (c.explicitChecksums()) {
      cb.checksumAlgorithm(ChecksumAlgorithm.CRC32);
    }
    c.settings().extraArgs().applyTo(cb, Map.of(PART_SIZE_METADATA, Long.toString(partSize)));
    MultipartUpload mpu = MultipartUpload.start(c, key, cb.build());
    try {
      List<Callable<Part>> tasks = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long offset = i * partSize;
        long length = Math.min(partSize, size - offset);
        int number = i + 1;
        tasks.add(() -> part(mpu.uploadId(), number, offset, length));
      }
      List<Part> parts = Parallel.run(c.parts(), tasks);
      LocalFileState after = LocalFileState.now(file);
      if (!before.equals(after)) {
        throw changed(after, null);
      }
      List<CompletedPart> completed = new ArrayList<>();
      parts.stream()
          .sorted(Comparator.comparingInt(Part::number))
          .forEach(
              p ->
                  completed.add(
                      CompletedPart.builder()
                          .partNumber(p.number())
                          .eTag(p.etag())
                          .checksumCRC32(p.crc32())
                          .build()));
      mpu.complete(completed);
    } finally {
      mpu.abortUnlessCompleted();
    }
  }

  private Part part(String uploadId, int number, long offset, long length) {
    UploadPartRequest.Builder b =
        UploadPartRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .uploadId(uploadId)
            .partNumber(number)
            .contentLength(length);
    if (c.explicitChecksums()) {
      b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
    }
    FilePart body = new FilePart(file, offset, length, progress);
    UploadPartResponse r =
        c.s3()
            .uploadPart(
                b.build(),
                RequestBody.fromContentProvider(body, length, "application/octet-stream"));
    LOG.trace("Uploaded part {} of {} ({} bytes)", number, key, length);
    return new Part(number, r.eTag(), r.checksumCRC32());
  }

  private MlopsException changed(@Nullable LocalFileState now, @Nullable Throwable cause) {
    return new MlopsException(
        "Local file '"
            + file
            + "' changed while it was being uploaded to "
            + c.location().uriOf(key)
            + " ("
            + before.change(now)
            + "); nothing was stored. Upload it again once nothing writes to it.",
        cause);
  }

  /** The content type: {@code ContentType} of the extra arguments, else guessed from the name. */
  static String contentType(Path file, TransferContext c) {
    String configured = c.settings().extraArgs().contentType();
    if (configured != null) {
      return configured;
    }
    String guessed =
        URLConnection.getFileNameMap().getContentTypeFor(file.getFileName().toString());
    return guessed != null ? guessed : "application/octet-stream";
  }
}
