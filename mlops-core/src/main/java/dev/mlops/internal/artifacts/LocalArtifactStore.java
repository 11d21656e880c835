package dev.mlops.internal.artifacts;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.internal.LocalFiles;
import dev.mlops.internal.Uris;
import dev.mlops.internal.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ArtifactStore} on the local file system, as MLflow lays it out: artifact paths are
 * plain files and directories under the root.
 *
 * <p>Every path goes through {@link Validation#artifactPath} and must stay under the root after
 * normalisation, also when symbolic links are followed. Writes go to a hidden temporary file in the
 * target directory ({@code .mlops-<uuid>.tmp}) that is then renamed over the target, so a reader
 * sees the old file or the new one, never half of one. Listings and downloads skip those temporary
 * files.
 *
 * <p>Made by {@link LocalArtifactStoreProvider} for {@code file:/abs}, {@code file:///abs} and
 * plain paths. Stateless apart from its root; thread-safe.
 */
public final class LocalArtifactStore implements ArtifactStore {

  private static final String TEMP_PREFIX = ".mlops-";
  private static final String TEMP_SUFFIX = ".tmp";

  private final String rootUri;
  private final Path root;

  /** A store rooted at the local directory {@code root}, reported as {@code rootUri}. */
  public LocalArtifactStore(String rootUri, Path root) {
    this.rootUri = rootUri;
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * Opens the store for {@code rootUri}: {@code file:/abs}, {@code file:///abs}, {@code
   * file://localhost/abs} or a plain path (relative ones against {@code workingDirectory}).
   */
  public static LocalArtifactStore open(String rootUri, Path workingDirectory) {
    return new LocalArtifactStore(rootUri, rootPath(rootUri, workingDirectory));
  }

  /** The local directory a {@code file:} URI or plain path names. */
  static Path rootPath(String rootUri, Path workingDirectory) {
    if (!rootUri.regionMatches(true, 0, "file:", 0, 5)) {
      return Uris.localPath(rootUri, workingDirectory);
    }
    try {
      URI u = new URI(rootUri);
      checkLocalHost(rootUri, u.getRawAuthority());
      if (u.isOpaque()) {
        return Uris.localPath(u.getSchemeSpecificPart(), workingDirectory);
      }
      return Path.of(new URI("file", null, u.getPath(), null));
    } catch (URISyntaxException e) {
      // Unencoded characters such as spaces: read the rest as a path.
      String rest = rootUri.substring(5);
      if (rest.regionMatches(true, 0, "//localhost/", 0, 12)) {
        rest = rest.substring(11);
      } else if (rest.startsWith("//")) {
        int slash = rest.indexOf('/', 2);
        checkLocalHost(rootUri, slash < 0 ? rest.substring(2) : rest.substring(2, slash));
        rest = slash < 0 ? "/" : rest.substring(slash);
      }
      return Uris.localPath(rest, workingDirectory);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "Invalid file URI '"
              + rootUri
              + "': "
              + e.getMessage()
              + ". Use e.g. file:///data/mlruns.");
    }
  }

  private static void checkLocalHost(String rootUri, @Nullable String authority) {
    if (authority != null
        && !authority.isEmpty()
        && !authority.toLowerCase(Locale.ROOT).equals("localhost")) {
      throw new InvalidInputException(
          "File URI '"
              + rootUri
              + "' names the host '"
              + authority
              + "': only local files are supported. Use file:///path (three slashes) or a plain"
              + " path.");
    }
  }

  @Override
  public String rootUri() {
    return rootUri;
  }

  /** The local root directory. */
  public Path root() {
    return root;
  }

  @Override
  public void upload(Path localFile, String path) {
    String p = Validation.artifactFile(path);
    if (!Files.exists(localFile)) {
      throw new InvalidInputException(
          "Local file '" + localFile.toAbsolutePath() + "' does not exist: nothing to upload.");
    }
    if (Files.isDirectory(localFile)) {
      throw new InvalidInputException(
          "'"
              + localFile.toAbsolutePath()
              + "' is a directory: use uploadDirectory(dir, path) to upload a directory.");
    }
    writeAtomically(inside(p), p, tmp -> Files.copy(localFile, tmp));
  }

  @Override
  public void upload(InputStream content, String path) {
    String p = Validation.artifactFile(path);
    writeAtomically(inside(p), p, tmp -> Files.copy(content, tmp));
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    String p = Validation.artifactPath(path);
    if (!Files.isDirectory(localDir)) {
      throw new InvalidInputException(
          "Local directory '"
              + localDir.toAbsolutePath()
              + "' does not exist or is not a directory: nothing to upload.");
    }
    inside(p);
    try (Stream<Path> walk = Files.walk(localDir, FileVisitOption.FOLLOW_LINKS)) {
      for (Path source : (Iterable<Path>) walk::iterator) {
        String rel = relative(localDir, source);
        String target = rel.isEmpty() ? p : (p.isEmpty() ? rel : p + "/" + rel);
        if (Files.isDirectory(source)) {
          createDirectories(inside(target), target);
        } else {
          writeAtomically(inside(target), target, tmp -> Files.copy(source, tmp));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new MlopsException(
          "Could not upload directory '"
              + localDir.toAbsolutePath()
              + "' to '"
              + p
              + "' under "
              + rootUri
              + ": "
              + describe(e),
          e);
    }
  }

  @Override
  public List<FileInfo> list(String path) {
    String p = Validation.artifactPath(path);
    Path dir = inside(p);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<FileInfo> out = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (isTemporary(child)) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // removed meanwhile, or a dangling link
        }
        String rel = relative(root, child);
        out.add(new FileInfo(rel, attrs.isDirectory(), attrs.isDirectory() ? -1 : attrs.size()));
      }
    } catch (IOException e) {
      throw new MlopsException(
          "Could not list '" + p + "' under " + rootUri + ": " + describe(e), e);
    }
    out.sort(Comparator.comparing(FileInfo::path));
    return List.copyOf(out);
  }

  @Override
  public Path download(String path, Path targetDir) {
    String p = Validation.artifactPath(path);
    Path source = inside(p);
    if (!Files.exists(source)) {
      throw new NotFoundException(
          "No artifact at '"
              + (p.isEmpty() ? "(root)" : p)
              + "' under "
              + rootUri
              + ": list() shows what is stored there.");
    }
    Path target = prepareTargetDirectory(targetDir);
    if (!Files.isDirectory(source)) {
      Path dest = target.resolve(source.getFileName().toString());
      copyAtomically(source, dest, targetDir);
      return dest;
    }
    Path dest = p.isEmpty() ? target : target.resolve(source.getFileName().toString());
    Path realRoot = realRoot();
    try (Stream<Path> walk = Files.walk(source, FileVisitOption.FOLLOW_LINKS)) {
      for (Path entry : (Iterable<Path>) walk::iterator) {
        if (isTemporary(entry)) {
          continue;
        }
        String rel = relative(root, entry);
        checkReal(entry, rel, realRoot);
        String sub = relative(source, entry);
        Path out = sub.isEmpty() ? dest : dest.resolve(sub);
        if (Files.isDirectory(entry)) {
          createLocalDirectories(out, targetDir);
        } else {
          copyAtomically(entry, out, targetDir);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      if (cause instanceof FileSystemLoopException) {
        throw new InvalidInputException(
            "Artifact directory '" + p + "' under " + rootUri + " contains a symbolic link loop.");
      }
      throw new MlopsException(
          "Could not download '" + p + "' from " + rootUri + ": " + describe(e), e);
    }
    return dest;
  }

  @Override
  public InputStream open(String path) {
    String p = Validation.artifactFile(path);
    Path file = inside(p);
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(
          "Artifact '" + p + "' under " + rootUri + " is a directory: use list() or download().");
    }
    try {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new NotFoundException(
          "No artifact at '" + p + "' under " + rootUri + ": list() shows what is stored there.",
          e);
    } catch (IOException e) {
      throw new MlopsException(
          "Could not open '" + p + "' under " + rootUri + ": " + describe(e), e);
    }
  }

  @Override
  public void delete(String path) {
    String p = Validation.artifactPath(path);
    Path target = inside(p);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      LocalFiles.deleteTree(target);
    } catch (IOException e) {
      throw new MlopsException(
          "Could not delete '" + p + "' under " + rootUri + ": " + describe(e), e);
    }
  }

  @Override
  public String toString() {
    return "LocalArtifactStore[" + root + "]";
  }

  // ---- paths

  /** The local path of normalised artifact path {@code p}, checked to stay under the root. */
  private Path inside(String p) {
    Path target = p.isEmpty() ? root : root.resolve(p).normalize();
    if (!target.startsWith(root)) {
      throw escapes(p);
    }
    checkNoLinkEscape(target, p);
    return target;
  }

  /**
   * Follows symbolic links from the deepest existing part of {@code target} and rejects it when the
   * real location is outside the root's real location.
   */
  private void checkNoLinkEscape(Path target, String p) {
    Path realRoot = realRoot();
    if (realRoot == null) {
      return; // nothing exists under a missing root, so no link can lead out of it
    }
    for (Path cur = target; cur != null && cur.startsWith(root); cur = cur.getParent()) {
      Path real;
      try {
        real = cur.toRealPath();
      } catch (IOException e) {
        // Missing, under a file, or a dangling link (replaced, never followed, when written):
        // the nearest ancestor that resolves decides.
        continue;
      }
      if (!real.startsWith(realRoot)) {
        throw escapes(p);
      }
      return;
    }
  }

  private void checkReal(Path entry, String rel, @Nullable Path realRoot) throws IOException {
    if (realRoot != null && !entry.toRealPath().startsWith(realRoot)) {
      throw escapes(rel);
    }
  }

  private @Nullable Path realRoot() {
    try {
      return root.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new MlopsException("Could not resolve artifact root " + rootUri + ": " + e, e);
    }
  }

  private InvalidInputException escapes(String p) {
    return new InvalidInputException(
        "Artifact path '"
            + Validation.abbreviate(p)
            + "' leads outside the artifact root "
            + rootUri
            + " (through '..' or a symbolic link): artifact paths must stay under the root.");
  }

  private static String relative(Path base, Path child) {
    Path rel = base.relativize(child);
    List<String> parts = new ArrayList<>();
    for (Path part : rel) {
      if (!part.toString().isEmpty()) {
        parts.add(part.toString());
      }
    }
    return String.join("/", parts);
  }

  private static boolean isTemporary(Path file) {
    Path name = file.getFileName();
    return name != null
        && name.toString().startsWith(TEMP_PREFIX)
        && name.toString().endsWith(TEMP_SUFFIX);
  }

  // ---- writes

  /** Writes one file to {@code tmp}; the caller renames it into place. */
  @FunctionalInterface
  private interface TempWriter {
    void write(Path tmp) throws IOException;
  }

  private void writeAtomically(Path target, String p, TempWriter writer) {
    Path dir = target.getParent();
    createDirectories(dir, p);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(
          "Cannot write artifact '"
              + p
              + "' under "
              + rootUri
              + ": a directory with that path exists. Delete it first or pick another path.");
    }
    Path tmp = temporarySibling(target);
    try {
      writer.write(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new MlopsException(
          "Could not write artifact '" + p + "' under " + rootUri + ": " + describe(e), e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  private void createDirectories(Path dir, String p) {
    checkNoLinkEscape(dir, p);
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException(
          "Cannot write artifact '"
              + p
              + "' under "
              + rootUri
              + ": '"
              + relative(root, Path.of(e.getFile()))
              + "' is a file, not a directory.",
          e);
    } catch (IOException e) {
      throw new MlopsException(
          "Could not create the directory for '" + p + "' under " + rootUri + ": " + describe(e),
          e);
    }
    checkNoLinkEscape(dir, p);
  }

  // ---- downloads into a local directory

  private static Path prepareTargetDirectory(Path targetDir) {
    try {
      Files.createDirectories(targetDir);
    } catch (IOException e) {
      throw cannotWrite(targetDir, e);
    }
    if (!Files.isWritable(targetDir)) {
      throw new MlopsException(
          "Download directory '"
              + targetDir.toAbsolutePath()
              + "' is not writable: pick another directory or fix its permissions.");
    }
    return targetDir;
  }

  private static void createLocalDirectories(Path dir, Path targetDir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw cannotWrite(targetDir, e);
    }
  }

  /** Copies a local file to {@code dest} through a temporary sibling and a rename. */
  static void copyAtomically(Path source, Path dest, Path targetDir) {
    createLocalDirectories(dest.getParent(), targetDir);
    Path tmp = temporarySibling(dest);
    try {
      Files.copy(source, tmp);
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw cannotWrite(targetDir, e);
    }
  }

  private static MlopsException cannotWrite(Path targetDir, IOException e) {
    String reason = e instanceof AccessDeniedException ? "permission denied" : describe(e);
    return new MlopsException(
        "Cannot write into download directory '"
            + targetDir.toAbsolutePath()
            + "' ("
            + reason
            + "): pick a writable directory.",
        e);
  }

  private static Path temporarySibling(Path file) {
    return file.resolveSibling(TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
  }

  // ---- deletion

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the temporary file stays; listings skip it
    }
  }

  private static String describe(Exception e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }
}
