package dev.mlops.internal.artifacts;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.internal.LocalFiles;
import dev.mlops.internal.Validation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local side of an object-store download, written so that a failure never leaves half a file or
 * half a directory: a file goes to a hidden temporary file beside the target and is renamed over
 * it; a directory is filled in a hidden staging directory beside the target and moved into place
 * once complete (in one rename when the target is new, else file by file, replacing files of the
 * same name and keeping the others).
 *
 * <pre>{@code
 * Path dir = LocalDownload.toDirectory(targetDir, "model", "s3://bkt/run/model", staging -> {
 *   for (String name : names) {
 *     Path local = staging.resolve(LocalDownload.entryName("s3://bkt/run/model/" + name, name));
 *     LocalDownload.toFile(local, "s3://bkt/run/model/" + name, out -> fetchInto(name, out));
 *   }
 * });
 * }</pre>
 *
 * <p>A failure of the local disk becomes an {@link MlopsException} naming the object ({@code
 * what}), the local directory and what to do; what the bodies throw for the remote side passes
 * through unchanged. Stateless and thread-safe.
 */
public final class LocalDownload {

  private LocalDownload() {}

  /** Writes the bytes of one object into the file being downloaded. */
  @FunctionalInterface
  public interface FileBody {
    /** Writes everything; throws for a failure of the remote side. */
    void writeTo(PartialFile out);
  }

  /** Fills the staging directory of a directory download. */
  @FunctionalInterface
  public interface DirectoryBody {
    /** Downloads every file under {@code staging}; throws for a failure of the remote side. */
    void fill(Path staging);
  }

  /**
   * The hidden temporary file a download writes into; renamed over the target when the body
   * returns. Several threads may write to it at once at different positions.
   */
  public static final class PartialFile {
    private final FileChannel channel;

    private PartialFile(FileChannel channel) {
      this.channel = channel;
    }

    /**
     * Writes all of {@code src} at {@code position}.
     *
     * @throws LocalWriteException when the local disk refuses the bytes
     */
    public void write(ByteBuffer src, long position) {
      try {
        long at = position;
        while (src.hasRemaining()) {
          at += channel.write(src, at);
        }
      } catch (IOException e) {
        throw new LocalWriteException(e);
      }
    }
  }

  /**
   * A failed local write, told apart from a failed read of the remote side. A body that catches
   * exceptions to map remote failures lets this one through; the download reports it.
   */
  public static final class LocalWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /**
   * Downloads one object ({@code what}, its URI, for messages) to the file {@code target}, creating
   * its directory; on any failure the target is left as it was.
   *
   * @throws InvalidInputException when a directory stands at {@code target}
   * @throws MlopsException when the local disk refuses the download
   */
  public static void toFile(Path target, String what, FileBody body) {
    if (Files.isDirectory(target)) {
      throw new InvalidInputException(
          "Cannot download "
              + what
              + " to '"
              + target
              + "': a directory of that name exists there. Remove it or pick another target.");
    }
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".mlops-download");
    } catch (IOException e) {
      throw localFailure(dir, what, e);
    }
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        body.writeTo(new PartialFile(out));
      }
      move(temp, target);
    } catch (LocalWriteException e) {
      throw localFailure(dir, what, e.getCause());
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
   * Downloads a directory ({@code what}, its URI, for messages) to {@code targetDir/name}, or into
   * {@code targetDir} itself when {@code name} is empty; returns that directory. The body fills a
   * staging directory beside it; on any failure the target is left as it was.
   *
   * @throws InvalidInputException when a file stands where the directory goes
   * @throws MlopsException when the local disk refuses the download
   */
  public static Path toDirectory(Path targetDir, String name, String what, DirectoryBody body) {
    Path dest = name.isEmpty() ? targetDir : targetDir.resolve(name);
    if (Files.isRegularFile(dest)) {
      throw new InvalidInputException(
          "Cannot download directory "
              + what
              + " to '"
              + dest
              + "': a file of that name exists there. Remove it or pick another target.");
    }
    Path staging;
    try {
      Files.createDirectories(targetDir);
      staging =
          Files.createTempDirectory(
              targetDir, "." + (name.isEmpty() ? "artifacts" : name) + ".mlops-");
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

  /**
   * Creates {@code dir} for the download of {@code what} (an empty directory, say) and returns it.
   *
   * @throws MlopsException when the local disk refuses it
   */
  public static Path createDirectory(Path dir, String what) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw localFailure(dir, what, e);
    }
  }

  /**
   * The local path, below a directory being downloaded, of the object {@code what} whose name below
   * that directory is {@code relative}.
   *
   * @throws MlopsException when the name has an empty, {@code .} or {@code ..} part and would not
   *     map to a file inside the target directory
   */
  public static String entryName(String what, String relative) {
    String safe;
    try {
      safe = Validation.artifactFile(relative);
    } catch (InvalidInputException e) {
      safe = "";
    }
    if (!safe.equals(relative)) {
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
    try {
      LocalFiles.deleteTree(dir);
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
