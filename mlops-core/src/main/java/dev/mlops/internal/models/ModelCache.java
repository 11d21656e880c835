package dev.mlops.internal.models;

import dev.mlops.MlopsException;
import dev.mlops.internal.LocalFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A content-addressed download cache, safe for concurrent threads and processes sharing one
 * directory.
 *
 * <p>Layout under the cache directory:
 *
 * <ul>
 *   <li>{@code <sha[0..2]>/<sha>/} — one entry per key ({@code sha} = SHA-256 of the key), holding
 *       the downloaded file or directory and a {@code .complete} marker that names it;
 *   <li>{@code tmp/<sha>-<uuid>/} — downloads in progress;
 *   <li>{@code locks/<sha>.lock} — one lock file per key (never deleted, so every process locks the
 *       same file).
 * </ul>
 *
 * <p>A download goes into a fresh temporary directory; the marker is written after the files, then
 * the directory is renamed into place in one atomic step. Readers check the marker without locking.
 * Writers hold a per-key lock inside the JVM and a {@link FileLock} across processes around the
 * check, download and rename, so whoever comes second finds the entry complete. A temporary
 * directory left by a crashed process is removed by the next download of the same key (the crashed
 * process no longer holds the lock), and never becomes an entry.
 */
final class ModelCache {

  static final String COMPLETE = ".complete";

  /** One lock per lock file in this JVM: {@link FileLock}s are per process, not per thread. */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  /** Fetches the files for one key into a fresh directory. */
  @FunctionalInterface
  interface Fetcher {
    /**
     * Downloads into {@code dir} and returns the file or directory it produced, strictly under
     * {@code dir}.
     */
    Path fetch(Path dir);
  }

  private final Path dir;

  ModelCache(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The cached file or directory for {@code key}, fetching it first when it is not complete. */
  Path get(String key, Fetcher fetcher) {
    String sha = sha256(key);
    Path entry = entryDir(sha);
    Optional<Path> hit = completed(entry);
    if (hit.isPresent()) {
      return hit.get();
    }
    Path lockFile = lockFile(sha);
    ReentrantLock lock = LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock fileLock = channel.lock();
        try {
          hit = completed(entry);
          return hit.isPresent() ? hit.get() : fill(sha, entry, fetcher);
        } finally {
          fileLock.release();
        }
      }
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot use the model cache at '"
              + dir
              + "': "
              + e
              + ". Point Mlops.builder().cacheDir(...) or MLOPS_CACHE_DIR at a writable directory.",
          e);
    } finally {
      lock.unlock();
    }
  }

  /** The entry directory for {@code key}. */
  Path entryFor(String key) {
    return entryDir(sha256(key));
  }

  /** The lock file for {@code key}. */
  Path lockFileFor(String key) {
    return lockFile(sha256(key));
  }

  /** Where downloads in progress go. */
  Path tmpDir() {
    return dir.resolve("tmp");
  }

  private Path entryDir(String sha) {
    return dir.resolve(sha.substring(0, 2)).resolve(sha);
  }

  private Path lockFile(String sha) {
    return dir.resolve("locks").resolve(sha + ".lock");
  }

  /** Called with the key's lock held. */
  private Path fill(String sha, Path entry, Fetcher fetcher) throws IOException {
    Path tmpRoot = tmpDir();
    Files.createDirectories(tmpRoot);
    removeAbandoned(tmpRoot, sha);
    if (Files.exists(entry)) {
      LocalFiles.deleteTree(entry); // no marker: not written by this cache, or damaged
    }
    Path tmp = tmpRoot.resolve(sha + "-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      Path produced = fetcher.fetch(tmp).toAbsolutePath().normalize();
      if (!produced.startsWith(tmp) || produced.equals(tmp)) {
        throw new IllegalStateException(
            "A cache fetch must return a path under " + tmp + ", got " + produced);
      }
      String relative = slashes(tmp.relativize(produced));
      Files.writeString(tmp.resolve(COMPLETE), relative, StandardCharsets.UTF_8);
      Files.createDirectories(entry.getParent());
      Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
      return entry.resolve(relative);
    } catch (IOException | RuntimeException | Error e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** The cached path when {@code entry} is complete. */
  private static Optional<Path> completed(Path entry) {
    Path marker = entry.resolve(COMPLETE);
    if (!Files.isRegularFile(marker)) {
      return Optional.empty();
    }
    try {
      String relative = Files.readString(marker, StandardCharsets.UTF_8).trim();
      Path path = entry.resolve(relative).normalize();
      if (relative.isEmpty() || !path.startsWith(entry) || !Files.exists(path)) {
        return Optional.empty();
      }
      return Optional.of(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new MlopsException("Cannot read the model cache entry " + entry + ": " + e, e);
    }
  }

  /** Removes temporary directories of {@code sha} that a crashed process left behind. */
  private static void removeAbandoned(Path tmpRoot, String sha) throws IOException {
    List<Path> abandoned = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(tmpRoot, sha + "-*")) {
      s.forEach(abandoned::add);
    }
    for (Path p : abandoned) {
      LocalFiles.deleteTree(p);
    }
  }

  static String sha256(String key) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  private static String slashes(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  private static void deleteQuietly(Path p) {
    try {
      LocalFiles.deleteTree(p);
    } catch (IOException ignored) {
      // removed by the next download of the same key
    }
  }
}
