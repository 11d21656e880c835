package dev.mlops.s3;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.internal.Validation;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
    Path dest = name.isEmpty() ? targetDir : targetDir.resolve(name);
    if (Files.isRegularFile(dest)) {
      throw new InvalidInputException(
          "Cannot download directory "
              + c.location().uriOf(c.location().key(dirPath))
              + " to '"
              + dest
              + "': a file of that name exists there. Remove it or pick another target.");
    }
    Path staging = createStaging(c, targetDir, name);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (S3Object o : objects) {
        String rel = o.key().substring(dirPrefix.length());
        String safe = localName(c, o.key(), rel);
        String path = dirPath.isEmpty() ? safe : dirPath + "/" + safe;
        Path local = staging.resolve(safe);
        tasks.add(
            () -> {
              Files.createDirectories(local.getParent());
              HeadObjectResponse head =
                  o.size() > c.settings().multipartThreshold()
                      ? c.s3().headObject(b -> b.bucket(c.bucket()).key(o.key()))
                      : HeadObjectResponse.builder().contentLength(o.size()).eTag(o.eTag()).build();
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
      moveIntoPlace(staging, dest);
      return dest;
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot write the download of "
              + c.location().uriOf(dirPrefix)
              + " into '"
              + dest
              + "' ("
              + e
              + "). Pick a writable directory with free space.",
          e);
    } finally {
      deleteTree(staging);
    }
  }

  /** The target of a root download from an empty store: the target directory, created. */
  static Path emptyRoot(Path targetDir, S3Location location) {
    try {
      return Files.createDirectories(targetDir);
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot create local directory '"
              + targetDir
              + "' for the download of "
              + location.rootUri()
              + " ("
              + e
              + ").",
          e);
    }
  }

  /** The key's path below the directory, refused when it would leave the target directory. */
  static String localName(TransferContext c, String key, String rel) {
    String safe;
    try {
      safe = Validation.artifactFile(rel);
    } catch (InvalidInputException e) {
      safe = "";
    }
    if (!safe.equals(rel)) {
      throw new MlopsException(
          "Refusing to download "
              + c.location().uriOf(key)
              + ": its key has an empty, '.' or '..' part and would not map to a file inside the"
              + " target directory. Rename or delete that object.");
    }
    return safe;
  }

  private static Path createStaging(TransferContext c, Path targetDir, String name) {
    try {
      Files.createDirectories(targetDir);
      return Files.createTempDirectory(
          targetDir, "." + (name.isEmpty() ? "artifacts" : name) + ".mlops-");
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot write into local directory '"
              + targetDir
              + "' to download "
              + c.location().rootUri()
              + " ("
              + e
              + "). Pick a writable directory; nothing was written.",
          e);
    }
  }

  private static void moveIntoPlace(Path staging, Path dest) throws IOException {
    if (!Files.exists(dest)) {
      try {
        Files.move(staging, dest, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        // fall through to moving file by file
      }
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(staging)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Path target = dest.resolve(staging.relativize(f).toString());
      Files.createDirectories(target.getParent());
      if (Files.isDirectory(target)) {
        throw new IOException(
            "'" + target + "' is a directory; a file of that name was to go there");
      }
      try {
        Files.move(f, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a hidden leftover staging directory harms nothing
    }
  }
}
