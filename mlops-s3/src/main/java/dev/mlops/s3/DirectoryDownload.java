package dev.mlops.s3;

import dev.mlops.MlopsException;
import dev.mlops.internal.artifacts.LocalDownload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Downloads every object under a prefix, in parallel, into a hidden staging directory beside the
 * target; only when all arrived are they moved into place (in one rename when the target does not
 * exist yet). A failure leaves the target as it was.
 */
final class DirectoryDownload {

  private DirectoryDownload() {}

  /**
   * Downloads {@code objects}, all under directory {@code dirPath} ("" for the root), into {@code
   * targetDir}; returns the directory they are in.
   */
  static Path download(
      TransferContext c,
      String dirPath,
      List<S3Object> objects,
      Path targetDir,
      TransferListener listener) {
    String dirPrefix = c.location().directoryPrefix(dirPath);
    String name = dirPath.isEmpty() ? "" : dirPath.substring(dirPath.lastIndexOf('/') + 1);
    return LocalDownload.toDirectory(
        targetDir,
        name,
        c.location().uriOf(c.location().key(dirPath)),
        staging -> {
          List<Callable<Void>> tasks = new ArrayList<>();
          for (S3Object o : objects) {
            String rel = o.key().substring(dirPrefix.length());
            String safe = LocalDownload.entryName(c.location().uriOf(o.key()), rel);
            String path = dirPath.isEmpty() ? safe : dirPath + "/" + safe;
            Path local = staging.resolve(safe);
            tasks.add(
                () -> {
                  HeadObjectResponse head =
                      o.size() > c.settings().multipartThreshold()
                          ? c.s3().headObject(b -> b.bucket(c.bucket()).key(o.key()))
                          : HeadObjectResponse.builder()
                              .contentLength(o.size())
                              .eTag(o.eTag())
                              .build();
                  FileDownload.download(c, o.key(), path, local, head, listener);
                  return null;
                });
          }
          try {
            Parallel.run(c.files(), tasks);
          } catch (MlopsException e) {
            throw e;
          } catch (RuntimeException e) {
            throw c.errors().map(e, "downloading", dirPrefix);
          }
        });
  }
}
