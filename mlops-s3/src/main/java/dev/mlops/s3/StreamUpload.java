package dev.mlops.s3;

import dev.mlops.MlopsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Uploads a stream of unknown length. It is read in part-sized chunks; a stream that fits in one
 * chunk is stored with one request, a longer one as a multipart upload whose parts go out in
 * parallel while the next chunks are read. At most {@link #buffers} chunks are held at once, so
 * memory stays under {@code buffers × partSize}. Each request carries its MD5, so S3 verifies every
 * byte.
 */
final class StreamUpload {

  private final TransferContext c;
  private final InputStream in;
  private final String key;
  private final Progress progress;
  private final int chunkSize;
  private final int buffers;

  private StreamUpload(
      TransferContext c, InputStream in, String key, String path, TransferListener listener) {
    this.c = c;
    this.in = in;
    this.key = key;
    this.progress = new Progress(listener, path, -1);
    this.chunkSize = (int) Math.min(c.settings().partSize(), Integer.MAX_VALUE - 16);
    this.buffers = Math.max(2, Math.min(4, c.settings().maxConcurrency()));
  }

  /** Uploads what {@code in} holds to {@code key}; does not close {@code in}. */
  static void upload(
      TransferContext c, InputStream in, String key, String path, TransferListener listener) {
    new StreamUpload(c, in, key, path, listener).run();
  }

  private record Chunk(byte[] data, int length) {
    InputStream stream() {
      return new ByteArrayInputStream(data, 0, length);
    }

    byte[] md5() {
      MessageDigest md = Checksums.md5();
      md.update(data, 0, length);
      return md.digest();
    }
  }

  private record Part(int number, String etag, @Nullable String crc32, byte[] md5) {}

  private void run() {
    try {
      Chunk first = read();
      @Nullable Chunk second = first.length() < chunkSize ? null : read();
      if (second == null || second.length() == 0) {
        single(first);
      } else {
        multipart(first, second);
      }
    } catch (MlopsException e) {
      throw e;
    } catch (RuntimeException e) {
      throw c.errors().map(e, "uploading", key);
    }
  }

  private void single(Chunk chunk) {
    byte[] md5 = chunk.md5();
    String type = contentType();
    PutObjectRequest.Builder b =
        PutObjectRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .contentLength((long) chunk.length())
            .contentMD5(Checksums.base64(md5))
            .contentType(type);
    c.settings().extraArgs().applyTo(b, Map.of());
    c.s3()
        .putObject(b.build(), RequestBody.fromContentProvider(chunk::stream, chunk.length(), type));
    progress.add(chunk.length());
    progress.total(chunk.length());
    progress.finish();
  }

  private void multipart(Chunk first, Chunk second) {
    CreateMultipartUploadRequest.Builder cb =
        CreateMultipartUploadRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .contentType(contentType());
    if (c.explicitChecksums()) {
      cb.checksumAlgorithm(ChecksumAlgorithm.CRC32);
    }
    c.settings()
        .extraArgs()
        .applyTo(cb, Map.of(FileUpload.PART_SIZE_METADATA, Long.toString(chunkSize)));
    MultipartUpload mpu = MultipartUpload.start(c, key, cb.build());
    Semaphore free = new Semaphore(buffers - 2);
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<Part>> futures = new ArrayList<>();
    @Nullable RuntimeException readFailure = null;
    long total = 0;
    try {
      Chunk chunk = first;
      Chunk next = second;
      int number = 1;
      while (chunk.length() > 0 && !failed.get()) {
        total += chunk.length();
        futures.add(submit(mpu.uploadId(), number++, chunk, free, failed));
        chunk = next;
        if (chunk.length() == chunkSize && !failed.get()) {
          free.acquire();
          next = read();
        } else {
          next = new Chunk(new byte[0], 0);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed.set(true);
      readFailure =
          new MlopsException("Interrupted while uploading to " + c.location().uriOf(key) + ".", e);
    } catch (RuntimeException e) {
      failed.set(true);
      readFailure = e;
    }
    try {
      List<Part> parts = await(futures, readFailure);
      progress.total(total);
      List<CompletedPart> completed = new ArrayList<>();
      List<byte[]> md5s = new ArrayList<>();
      parts.stream()
          .sorted(Comparator.comparingInt(Part::number))
          .forEach(
              p -> {
                md5s.add(p.md5());
                completed.add(
                    CompletedPart.builder()
                        .partNumber(p.number())
                        .eTag(p.etag())
                        .checksumCRC32(p.crc32())
                        .build());
              });
      String etag = mpu.complete(completed);
      mpu.verifyFinalEtag(etag, Checksums.multipartEtag(md5s));
      progress.finish();
    } finally {
      mpu.abortUnlessCompleted();
    }
  }

  private Future<Part> submit(
      String uploadId, int number, Chunk chunk, Semaphore free, AtomicBoolean failed) {
    try {
      return c.parts()
          .submit(
              () -> {
                try {
                  if (failed.get()) {
                    return null;
                  }
                  return part(uploadId, number, chunk);
                } catch (RuntimeException e) {
                  failed.set(true);
                  throw e;
                } finally {
                  free.release();
                }
              });
    } catch (RejectedExecutionException e) {
      failed.set(true);
      throw new MlopsException(
          "The S3 transfer pool is shut down: the Mlops that owns this store was closed.", e);
    }
  }

  private Part part(String uploadId, int number, Chunk chunk) {
    byte[] md5 = chunk.md5();
    UploadPartRequest.Builder b =
        UploadPartRequest.builder()
            .bucket(c.bucket())
            .key(key)
            .uploadId(uploadId)
            .partNumber(number)
            .contentLength((long) chunk.length())
            .contentMD5(Checksums.base64(md5));
    if (c.explicitChecksums()) {
      b.checksumAlgorithm(ChecksumAlgorithm.CRC32);
    }
    var r =
        c.s3()
            .uploadPart(
                b.build(),
                RequestBody.fromContentProvider(
                    chunk::stream, chunk.length(), "application/octet-stream"));
    progress.add(chunk.length());
    return new Part(number, r.eTag(), r.checksumCRC32(), md5);
  }

  /** Waits for every part; throws the first failure, the read failure first of all. */
  private static List<Part> await(List<Future<Part>> futures, @Nullable RuntimeException first) {
    List<Part> parts = new ArrayList<>();
    RuntimeException failure = first;
    boolean interrupted = false;
    for (Future<Part> f : futures) {
      while (true) {
        try {
          Part p = f.get();
          if (p != null) {
            parts.add(p);
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new MlopsException("S3 part upload failed: " + e.getCause(), e.getCause());
          if (failure == null) {
            failure = cause;
          } else if (failure != cause) {
            failure.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null) {
        failure = new MlopsException("Interrupted while uploading to S3.");
      }
    }
    if (failure != null) {
      throw failure;
    }
    return parts;
  }

  /** Reads up to one chunk; a shorter chunk means the stream ended. */
  private Chunk read() {
    byte[] buf = new byte[Math.min(chunkSize, 256 * 1024)];
    int n = 0;
    try {
      while (n < chunkSize) {
        if (n == buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(chunkSize, 2L * buf.length));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      throw new MlopsException(
          "Reading the stream to upload to "
              + c.location().uriOf(key)
              + " failed: "
              + e
              + ". Nothing was stored.",
          e);
    }
    return new Chunk(buf, n);
  }

  private String contentType() {
    String configured = c.settings().extraArgs().contentType();
    return configured != null ? configured : "application/octet-stream";
  }
}
