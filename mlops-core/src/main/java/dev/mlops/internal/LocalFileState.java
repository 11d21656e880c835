package dev.mlops.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.jspecify.annotations.Nullable;

/**
 * What a local file looked like: object-store backends compare it before and after an upload to
 * notice a file that changed while it was read.
 *
 * @param size bytes
 * @param modified last-modified time
 * @param fileKey the file system's identity of the file (inode), when it has one
 */
public record LocalFileState(long size, FileTime modified, @Nullable Object fileKey) {

  /** The state of a regular file that must exist. */
  public static LocalFileState of(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw new InvalidInputException(
            "'" + file + "' is not a regular file: give a file to upload, or use uploadDirectory.");
      }
      return new LocalFileState(a.size(), a.lastModifiedTime(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("Local file '" + file + "' does not exist.", e);
    } catch (IOException e) {
      throw new MlopsException("Cannot read local file '" + file + "': " + e + ".", e);
    }
  }

  /** The state now, or null when the file is gone or unreadable. */
  public static @Nullable LocalFileState now(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new LocalFileState(a.size(), a.lastModifiedTime(), a.fileKey());
    } catch (IOException e) {
      return null;
    }
  }

  /** Describes how {@code later} differs, for messages. */
  public String change(@Nullable LocalFileState later) {
    if (later == null) {
      return "it was deleted";
    }
    if (later.size != size) {
      return "its size went from " + size + " to " + later.size + " bytes";
    }
    if (!later.modified.equals(modified)) {
      return "its modification time went from " + modified + " to " + later.modified;
    }
    return "it was replaced by another file";
  }
}
