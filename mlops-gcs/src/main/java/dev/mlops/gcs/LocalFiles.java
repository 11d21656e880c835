package dev.mlops.gcs;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.internal.Validation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Local writes that never leave half a file or half a directory: a file is written to a hidden
 * temporary name and renamed over the target; a directory is filled in a hidden staging directory
 * and moved into place once complete.
 */
final class LocalFiles {

  private LocalFiles() {}

  /** Writes a file's bytes to a channel. */
  interface FileBody {
    void writeTo(WritableByteChannel out);
  }

  /** Fills a staging directory. */
  interface DirectoryBody {
    void fill(Path staging);
  }

  /** A failed local write, told apart from a failed read of the remote side. */
  static final class LocalWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
      super(cause);
    }
  }

  static Path createDirectories(Path dir, String what) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw localFailure(dir, what, e);
    }
  }

  /** Writes {@code target} through a temporary file; on any failure the target is untouched. */
  static void writeAtomically(Path target, String what, FileBody body) {
    if (Files.isDirectory(target)) {
      throw new InvalidInputException(
          "Cannot download "
              + what
              + " to '"
              + target
              + "': a directory of that name exists there. Remove it or pick another target.");
    }
    Path dir = target.toAbsolutePath().getParent();
    createDirectories(dir, what);
    Path temp;
    try {
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".mlops-download");
    } catch (IOException e) {
      throw localFailure(dir, what, e);
    }
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        body.writeTo(
            new WritableByteChannel() {
              @Override
              public int write(ByteBuffer src) {
                try {
                  return out.write(src);
                } catch (IOException e) {
                  throw new LocalWriteException(e);
                }
              }

              @Override
              public boolean isOpen() {
                return out.isOpen();
              }

              @Override
              public void close() {}
            });
      }
      move(temp, target);
    } catch (LocalWriteException e) {
      throw localFailure(dir, what, (IOException) e.getCause());
    } catch (IOException e) {
      throw localFailure(dir, what, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a hidden temporary file left behind replaces nothing
      }
    }
  }

  /**
   * Fills a staging directory beside {@code dest} and moves it into place (one rename when {@code
   * dest} is new, else file by file, replacing).
   */
  static Path viaStaging(Path targetDir, Path dest, String what, DirectoryBody body) {
    if (Files.isRegularFile(dest)) {
      throw new InvalidInputException(
          "Cannot download directory "
              + what
              + " to '"
              + dest
              + "': a file of that name exists there. Remove it or pick another target.");
    }
    createDirectories(targetDir, what);
    Path staging;
    try {
      staging = Files.createTempDirectory(targetDir, "." + dest.getFileName() + ".mlops-");
    } catch (IOException e) {
      throw localFailure(targetDir, what, e);
    }
    try {
      body.fill(staging);
      moveIntoPlace(staging, dest);
      return dest;
    } catch (IOException e) {
      throw localFailure(dest, what, e);
    } finally {
      deleteTree(staging);
    }
  }

  /** {@code rel} when it maps to a file inside the target; else refuses the object. */
  static String safeRelative(String what, String rel) {
    String safe;
    try {
      safe = Validation.artifactFile(rel);
    } catch (InvalidInputException e) {
      safe = "";
    }
    if (!safe.equals(rel)) {
      throw new MlopsException(
          "Refusing to download "
              + what
              + ": its name has an empty, '.' or '..' part and would not map to a file inside the"
              + " target directory. Rename or delete that object.");
    }
    return safe;
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
      move(f, target);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
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

  private static MlopsException localFailure(Path dir, String what, IOException e) {
    String why =
        e instanceof AccessDeniedException
            ? "permission denied"
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new MlopsException(
        "Cannot write the download of "
            + what
            + " into local directory '"
            + dir
            + "' ("
            + why
            + "). Pick a writable directory with free space; nothing was written.",
        e);
  }
}
