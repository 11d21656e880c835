package dev.mlops.s3;

import dev.mlops.MlopsException;
import dev.mlops.internal.artifacts.LocalDownload;
import dev.mlops.internal.artifacts.LocalDownload.LocalWriteException;
import dev.mlops.internal.artifacts.LocalDownload.PartialFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Downloads one object into a local file: to a temporary file beside the target, then renamed over
 * it, so the target is never half-written. Objects above the multipart threshold are fetched as
 * parallel ranged requests written at their offsets; each range is retried on its own, and every
 * request carries {@code If-Match} with the ETag first seen, so an object replaced mid-way fails
 * instead of mixing two versions. The bytes are checked against the ETag when it is an MD5 (objects
 * from one request) or when the object's part size is known (multipart objects this module wrote).
 */
final class FileDownload {

  private static final int BUFFER = 256 * 1024;
  private static final byte[] NO_DIGEST = new byte[0];

  private final TransferContext c;
  private final String key;
  private final Path target;
  private final HeadObjectResponse head;
  private final Progress progress;

  private FileDownload(
      TransferContext c,
      String key,
      String path,
      Path target,
      HeadObjectResponse head,
      TransferListener listener) {
    this.c = c;
    this.key = key;
    this.target = target;
    this.head = head;
    this.progress = new Progress(listener, path, head.contentLength());
  }

  /** Downloads the object {@code key}, described by {@code head}, to the file {@code target}. */
  static void download(
      TransferContext c,
      String key,
      String path,
      Path target,
      HeadObjectResponse head,
      TransferListener listener) {
    new FileDownload(c, key, path, target, head, listener).run();
  }

  private record Range(long start, long length) {}

  private void run() {
    LocalDownload.toFile(target, c.location().uriOf(key), this::fetchAll);
    progress.finish();
  }

  /** Fetches the whole object into {@code out}, checked against its ETag where it can be. */
  private void fetchAll(PartialFile out) {
    try {
      long size = head.contentLength();
      String etag = Checksums.etag(head.eTag());
      long rangeSize = rangeSize(etag, size);
      List<Range> ranges = new ArrayList<>();
      for (long start = 0; start < size; start += rangeSize) {
        ranges.add(new Range(start, Math.min(rangeSize, size - start)));
      }
      boolean check = checkable(etag, ranges.size());
      List<byte[]> md5s;
      if (ranges.size() <= 1) {
        md5s = ranges.isEmpty() ? List.of() : List.of(fetch(out, ranges.get(0), false, check));
      } else {
        List<Callable<byte[]>> tasks = new ArrayList<>();
        for (Range r : ranges) {
          tasks.add(() -> fetch(out, r, true, check));
        }
        md5s = Parallel.run(c.parts(), tasks);
      }
      if (check) {
        verify(etag, size, ranges.size(), md5s);
      }
    } catch (MlopsException | LocalWriteException e) {
      throw e;
    } catch (RuntimeException e) {
      throw c.errors().map(e, "downloading", key);
    }
  }

  /**
   * Multipart objects this module wrote carry their part size: ranges of that size give MD5s that
   * combine into the ETag. Other large objects use the configured part size.
   */
  private long rangeSize(String etag, long size) {
    if (size <= c.settings().multipartThreshold()) {
      return Math.max(1, size);
    }
    String meta = head.metadata().get(FileUpload.PART_SIZE_METADATA);
    int parts = Checksums.multipartCount(etag);
    if (meta != null && parts > 0) {
      try {
        long partSize = Long.parseLong(meta);
        if (partSize > 0 && (size + partSize - 1) / partSize == parts) {
          return partSize;
        }
      } catch (NumberFormatException ignored) {
        // metadata written by someone else; fall back to the configured size
      }
    }
    return c.settings().partSizeFor(size);
  }

  /** Fetches one range into {@code out} at its offset, retrying it on a broken stream. */
  private byte[] fetch(PartialFile out, Range range, boolean ranged, boolean check) {
    int attempts = c.settings().maxAttempts();
    for (int attempt = 1; ; attempt++) {
      long[] written = {0};
      @Nullable MessageDigest md = check ? Checksums.md5() : null;
      GetObjectRequest.Builder b =
          GetObjectRequest.builder().bucket(c.bucket()).key(key).ifMatch(head.eTag());
      if (ranged) {
        b.range("bytes=" + range.start() + "-" + (range.start() + range.length() - 1));
      }
      ResponseInputStream<GetObjectResponse> in = c.s3().getObject(b.build());
      if (!ranged
          && md != null
          && encrypted(
              in.response().serverSideEncryption(), in.response().sseCustomerAlgorithm())) {
        md = null;
      }
      boolean complete = false;
      try {
        copy(in, out, range, md, written);
        if (written[0] != range.length()) {
          throw new IOException(
              "got "
                  + written[0]
                  + " of "
                  + range.length()
                  + " bytes from offset "
                  + range.start());
        }
        complete = true;
        return md != null ? md.digest() : NO_DIGEST;
      } catch (IOException e) {
        progress.add(-written[0]);
        if (attempt >= attempts) {
          throw new MlopsException(
              "Downloading "
                  + c.location().uriOf(key)
                  + " failed after "
                  + attempts
                  + " attempts at bytes "
                  + range.start()
                  + "-"
                  + (range.start() + range.length() - 1)
                  + ": "
                  + e.getMessage()
                  + ". Nothing was written to '"
                  + target
                  + "'.",
              e);
        }
      } finally {
        if (!complete) {
          in.abort();
        }
        closeQuietly(in);
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the response was read in full or aborted; closing only returns the connection
    }
  }

  private void copy(
      InputStream in, PartialFile out, Range range, @Nullable MessageDigest md, long[] written)
      throws IOException {
    byte[] buf = new byte[BUFFER];
    long position = range.start();
    while (written[0] < range.length()) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, range.length() - written[0]));
      if (n < 0) {
        break;
      }
      if (md != null) {
        md.update(buf, 0, n);
      }
      out.write(ByteBuffer.wrap(buf, 0, n), position);
      position += n;
      written[0] += n;
      progress.add(n);
    }
  }

  /** Whether the ETag can be computed from the ranges' MD5s. */
  private boolean checkable(String etag, int rangeCount) {
    if (encrypted(head.serverSideEncryption(), head.sseCustomerAlgorithm())) {
      return false;
    }
    return Checksums.isPlainMd5(etag) && rangeCount <= 1
        || Checksums.multipartCount(etag) == rangeCount && rangeCount > 0;
  }

  /** Whether the object is encrypted so that its ETag is not the MD5 of its bytes. */
  private static boolean encrypted(@Nullable ServerSideEncryption sse, @Nullable String sseC) {
    return sse == ServerSideEncryption.AWS_KMS
        || sse == ServerSideEncryption.AWS_KMS_DSSE
        || sseC != null;
  }

  private void verify(String etag, long size, int rangeCount, List<byte[]> md5s) {
    if (md5s.stream().anyMatch(d -> d.length == 0)) {
      return;
    }
    String actual;
    if (Checksums.isPlainMd5(etag)) {
      actual =
          md5s.isEmpty() ? Checksums.hex(Checksums.md5().digest()) : Checksums.hex(md5s.get(0));
    } else {
      actual = Checksums.multipartEtag(md5s);
    }
    if (!actual.equals(etag)) {
      throw new MlopsException(
          "The bytes downloaded from "
              + c.location().uriOf(key)
              + " do not match its ETag ("
              + actual
              + " instead of "
              + etag
              + ", "
              + size
              + " bytes); nothing was written to '"
              + target
              + "'. Try again.");
    }
  }
}
