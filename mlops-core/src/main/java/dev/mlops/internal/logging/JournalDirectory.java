package dev.mlops.internal.logging;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mlops.internal.Uris;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Where journals live. Each tracking store has a directory {@code <root>/<hash>}, the hash taken
 * over the tracking URI (and, for a local store, the working directory that a relative path is
 * resolved against). Inside it, each {@link LoggingEngine} in {@code SPILL} mode writes its own
 * instance directory, {@code <millis>-<random>}, holding an exclusive lock on its {@code lock} file
 * while it runs. An instance directory whose lock can be taken belongs to an engine that stopped
 * (closed with points left, or crashed): the next engine on the store replays it, oldest first.
 *
 * <p>Creating an instance and scanning for stopped ones happen under the store directory's own
 * {@code .lock}, so a scan never mistakes an instance being created for a stopped one.
 */
public final class JournalDirectory {

  static final String LOCK = "lock";
  private static final String STORE_LOCK = ".lock";
  private static final Set<String> REMOTE_SCHEMES = Set.of("http", "https");

  private JournalDirectory() {}

  /** {@code root/<hash of the store's identity>}. */
  public static Path forStore(Path root, String trackingUri, Path workingDirectory) {
    String uri = trackingUri.strip();
    String identity =
        REMOTE_SCHEMES.contains(Uris.scheme(uri))
            ? uri
            : uri + "\n" + workingDirectory.toAbsolutePath().normalize();
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(UTF_8));
      return root.resolve(HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** An instance directory, created and locked; the lock is held until the handle is closed. */
  record Instance(Path dir, FileChannel lockChannel, FileLock lock) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }

  /** Creates and locks a new instance directory in {@code storeDir}. */
  static Instance create(Path storeDir) throws IOException {
    Files.createDirectories(storeDir);
    return underStoreLock(
        storeDir,
        () -> {
          String name =
              System.currentTimeMillis()
                  + "-"
                  + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);
          Path dir = Files.createDirectory(storeDir.resolve(name));
          Instance instance = tryLock(dir);
          if (instance == null) {
            throw new IOException("could not lock the new journal directory " + dir);
          }
          return instance;
        });
  }

  /**
   * Locks every instance directory in {@code storeDir} whose engine has stopped, oldest first. The
   * caller owns the returned locks.
   */
  static List<Instance> stopped(Path storeDir) throws IOException {
    if (!Files.isDirectory(storeDir)) {
      return List.of();
    }
    return underStoreLock(
        storeDir,
        () -> {
          List<Path> dirs = new ArrayList<>();
          try (DirectoryStream<Path> s = Files.newDirectoryStream(storeDir, Files::isDirectory)) {
            s.forEach(dirs::add);
          }
          dirs.sort(Comparator.comparing(JournalDirectory::age));
          List<Instance> out = new ArrayList<>();
          for (Path dir : dirs) {
            Instance instance = tryLock(dir);
            if (instance != null) {
              out.add(instance);
            }
          }
          return out;
        });
  }

  /** Deletes an instance directory and everything in it. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String age(Path dir) {
    String name = dir.getFileName().toString();
    int dash = name.indexOf('-');
    String millis = dash < 0 ? name : name.substring(0, dash);
    return "0".repeat(Math.max(0, 20 - millis.length())) + name;
  }

  private static @Nullable Instance tryLock(Path dir) throws IOException {
    FileChannel ch =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock != null) {
        return new Instance(dir, ch, lock);
      }
    } catch (OverlappingFileLockException e) {
      // Held by another engine in this JVM.
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    ch.close();
    return null;
  }

  private interface Work<T> {
    T run() throws IOException;
  }

  private static <T> T underStoreLock(Path storeDir, Work<T> work) throws IOException {
    synchronized (JournalDirectory.class) {
      try (FileChannel ch =
              FileChannel.open(
                  storeDir.resolve(STORE_LOCK),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return work.run();
      }
    }
  }
}
