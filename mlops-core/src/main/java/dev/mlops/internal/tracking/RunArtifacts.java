package dev.mlops.internal.tracking;

import dev.mlops.ArtifactStore;
import dev.mlops.InvalidInputException;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.ArtifactStores;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one run's artifacts, synchronously, with MLflow's path rules: a file logged into
 * directory {@code d} lands at {@code d/<file name>}; a directory's contents land under the given
 * path. The store is opened on first use and closed with {@link #close()}. Thread-safe.
 */
final class RunArtifacts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunArtifacts.class);

  private final ArtifactStores stores;
  private final String artifactUri;
  private @Nullable ArtifactStore store;

  RunArtifacts(ArtifactStores stores, String artifactUri) {
    this.stores = stores;
    this.artifactUri = artifactUri;
  }

  /** Uploads {@code localFile} into directory {@code artifactDir} ("" for the root). */
  void logFile(@Nullable Path localFile, @Nullable String artifactDir) {
    String dir = Validation.artifactPath(artifactDir);
    Path file = requireFile(localFile);
    Path name = file.getFileName();
    if (name == null) {
      throw new InvalidInputException("Local path '" + file + "' has no file name to log under.");
    }
    String target = dir.isEmpty() ? name.toString() : dir + "/" + name;
    store().upload(file, Validation.artifactFile(target));
  }

  /** Uploads the contents of {@code localDir} under {@code artifactPath} ("" for the root). */
  void logDirectory(@Nullable Path localDir, @Nullable String artifactPath) {
    String path = Validation.artifactPath(artifactPath);
    if (localDir == null) {
      throw new InvalidInputException("Local directory must not be null.");
    }
    if (!Files.isDirectory(localDir)) {
      throw new InvalidInputException(
          "Cannot log artifacts from '"
              + localDir.toAbsolutePath()
              + "': "
              + (Files.exists(localDir)
                  ? "it is a file, not a directory. Use logArtifact(file, dir) for one file."
                  : "no such directory. Check the path."));
    }
    store().uploadDirectory(localDir, path);
  }

  /** Writes {@code text} as UTF-8 to the artifact file {@code artifactFile}. */
  void logText(@Nullable String text, @Nullable String artifactFile) {
    String path = Validation.artifactFile(artifactFile);
    if (text == null) {
      throw new InvalidInputException(
          "Text for artifact '" + path + "' is null: pass a string (\"\" is allowed).");
    }
    store().upload(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), path);
  }

  private static Path requireFile(@Nullable Path localFile) {
    if (localFile == null) {
      throw new InvalidInputException("Local file must not be null.");
    }
    if (Files.isRegularFile(localFile)) {
      return localFile;
    }
    throw new InvalidInputException(
        "Cannot log artifact '"
            + localFile.toAbsolutePath()
            + "': "
            + (Files.isDirectory(localFile)
                ? "it is a directory. Use logArtifacts(dir, path) for a directory's contents."
                : "no such file. Check the path, or write the file before logging it."));
  }

  private synchronized ArtifactStore store() {
    ArtifactStore s = store;
    if (s == null) {
      s = stores.open(artifactUri);
      store = s;
    }
    return s;
  }

  @Override
  public synchronized void close() {
    ArtifactStore s = store;
    store = null;
    if (s != null) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.warn("Failed to close the artifact store for {}: {}", artifactUri, e.toString());
      }
    }
  }
}
