package dev.mlops.internal.artifacts;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.internal.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One local file of a directory upload and the artifact path it goes to.
 *
 * <pre>{@code
 * for (UploadFile f : UploadFile.fromDirectory(localDir, "model")) {
 *   upload(f.file(), location.key(f.path()));
 * }
 * }</pre>
 *
 * @param file the local regular file
 * @param path its artifact path, normalised by {@link Validation#artifactFile}
 */
public record UploadFile(Path file, String path) {

  /**
   * Every regular file under {@code localDir}, in path order, with its artifact path below {@code
   * base} ("" for the root).
   *
   * @throws InvalidInputException when {@code localDir} is not a directory, or {@code base} or a
   *     file's path is not a valid artifact path
   * @throws MlopsException when the directory cannot be listed
   */
  public static List<UploadFile> fromDirectory(Path localDir, String base) {
    String b = Validation.artifactPath(base);
    if (!Files.isDirectory(localDir)) {
      throw new InvalidInputException(
          "Local directory '" + localDir + "' does not exist or is not a directory.");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(localDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new MlopsException("Cannot list local directory '" + localDir + "': " + e + ".", e);
    }
    List<UploadFile> out = new ArrayList<>(files.size());
    for (Path f : files) {
      String rel = localDir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
      out.add(new UploadFile(f, Validation.artifactFile(b.isEmpty() ? rel : b + "/" + rel)));
    }
    return List.copyOf(out);
  }
}
