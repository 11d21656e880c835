package dev.mlops.internal.store;

import dev.mlops.BackendUnavailableException;
import dev.mlops.MlopsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One MLflow-compatible SQLite database file, shared by the tracking and registry backends of one
 * {@code Mlops}.
 *
 * <p>Opening creates the file, its parent directories and MLflow's schema when the file is new (in
 * one transaction, so two processes creating it at once are safe), or checks the schema revision of
 * an existing file. Every connection runs in WAL mode with {@code foreign_keys}, {@code
 * case_sensitive_like}, {@code synchronous=NORMAL} and a busy timeout.
 *
 * <p>Thread-safe. Writes go through one connection guarded by a lock, each in a {@code BEGIN
 * IMMEDIATE} transaction; reads use a small pool of connections and never wait for writers. When
 * another process holds the file, work is retried with backoff; a database that stays busy past the
 * retry budget surfaces as {@link BackendUnavailableException}, never as a raw {@code SQLITE_BUSY}.
 *
 * <pre>{@code
 * try (SqliteDatabase db = SqliteDatabase.open(Path.of("mlflow.db"), "/data/mlruns")) {
 *   int n = db.read(c -> ...);
 *   db.inTransaction(c -> { ...; return null; });
 * }
 * }</pre>
 */
public final class SqliteDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final long MAX_BACKOFF_MILLIS = 1_000;

  /**
   * Tuning for one database.
   *
   * @param busyTimeout how long SQLite itself waits for a lock before reporting the file busy
   * @param maxAttempts how many times busy work is tried before it fails
   * @param readConnections how many connections serve reads at once
   */
  public record Options(Duration busyTimeout, int maxAttempts, int readConnections) {

    /** 30 s busy timeout, 8 attempts, 4 read connections. */
    public static final Options DEFAULTS = new Options(Duration.ofSeconds(30), 8, 4);

    public Options {
      if (busyTimeout.isNegative() || maxAttempts < 1 || readConnections < 1) {
        throw new IllegalArgumentException(
            "busyTimeout must not be negative, maxAttempts and readConnections must be positive");
      }
    }
  }

  private final Path file;
  private final Options options;
  private final String url;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Connection writer;
  private final BlockingQueue<Connection> idleReaders;
  private final Semaphore readPermits;
  private final AtomicLong busyRetries = new AtomicLong();
  private volatile boolean closed;

  private SqliteDatabase(Path file, Options options) {
    this.file = file;
    this.options = options;
    this.url = "jdbc:sqlite:" + file;
    this.idleReaders = new ArrayBlockingQueue<>(options.readConnections());
    this.readPermits = new Semaphore(options.readConnections());
    this.writer = withRetry("open", this::connect);
  }

  /** Opens (creating if needed) the database at {@code file} with {@link Options#DEFAULTS}. */
  public static SqliteDatabase open(Path file, String defaultArtifactRoot) {
    return open(file, defaultArtifactRoot, Options.DEFAULTS);
  }

  /**
   * Opens (creating if needed) the database at {@code file}.
   *
   * @param defaultArtifactRoot the root under which the Default experiment (id 0) stores artifacts
   *     when this call creates it, e.g. {@code /home/me/project/mlruns}
   */
  public static SqliteDatabase open(Path file, String defaultArtifactRoot, Options options) {
    Path absolute = file.toAbsolutePath().normalize();
    createParentDirectories(absolute);
    SqliteDatabase db = new SqliteDatabase(absolute, options);
    try {
      Schema.SchemaCheck check = db.inTransaction(c -> Schema.ensure(c, defaultArtifactRoot));
      db.enableWal();
      check.report(absolute);
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The absolute path of the database file. */
  public Path file() {
    return file;
  }

  /**
   * Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE} ... {@code COMMIT}) and
   * returns its result. Rolls back when it throws; retries it when the database is busy. Must not
   * be called from inside other work.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    ensureOpen();
    if (writeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException("inTransaction must not be nested");
    }
    writeLock.lock();
    try {
      ensureOpen();
      return withRetry("write", () -> runInTransaction(writer, "BEGIN IMMEDIATE", work));
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs read-only {@code work} on a consistent snapshot and returns its result. */
  public <T> T read(SqlWork<T> work) {
    ensureOpen();
    Connection c = acquireReader();
    try {
      return withRetry("read", () -> runInTransaction(c, "BEGIN", work));
    } finally {
      releaseReader(c);
    }
  }

  /** How many times work was retried because the file was busy; for diagnostics. */
  public long busyRetries() {
    return busyRetries.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writeLock.lock();
    try {
      closeQuietly(writer);
    } finally {
      writeLock.unlock();
    }
    List<Connection> idle = new ArrayList<>();
    idleReaders.drainTo(idle);
    idle.forEach(SqliteDatabase::closeQuietly);
  }

  @Override
  public String toString() {
    return "SqliteDatabase[" + file + "]";
  }

  private static <T> T runInTransaction(Connection c, String begin, SqlWork<T> work)
      throws SQLException {
    execute(c, begin);
    try {
      T result = work.apply(c);
      execute(c, "COMMIT");
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  private void enableWal() {
    String mode =
        withRetry(
            "enable WAL",
            () -> {
              try (Statement s = writer.createStatement();
                  ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                return rs.next() ? rs.getString(1) : "";
              }
            });
    if (!"wal".equalsIgnoreCase(mode)) {
      LOG.warn(
          "SQLite database {} stays in journal mode '{}' instead of WAL; concurrent readers will"
              + " wait for writers. Is it on a network file system?",
          file,
          mode);
    }
  }

  private Connection connect() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, options.busyTimeout().toMillis()));
    config.enforceForeignKeys(true);
    config.enableCaseSensitiveLike(true);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    return DriverManager.getConnection(url, config.toProperties());
  }

  private Connection acquireReader() {
    try {
      readPermits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException(
          "Interrupted while waiting for a connection to " + file + ".", e);
    }
    Connection c = idleReaders.poll();
    if (c != null) {
      return c;
    }
    try {
      return withRetry("open", this::connect);
    } catch (RuntimeException e) {
      readPermits.release();
      throw e;
    }
  }

  private void releaseReader(Connection c) {
    if (closed || !idleReaders.offer(c)) {
      closeQuietly(c);
    }
    readPermits.release();
    if (closed) {
      List<Connection> idle = new ArrayList<>();
      idleReaders.drainTo(idle);
      idle.forEach(SqliteDatabase::closeQuietly);
    }
  }

  /** Something that may fail with an {@link SQLException}. */
  private interface SqlCall<T> {
    T call() throws SQLException;
  }

  private <T> T withRetry(String what, SqlCall<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (SQLException e) {
        if (!isBusy(e)) {
          throw failure(what, e);
        }
        if (attempt >= options.maxAttempts()) {
          throw new BackendUnavailableException(
              "SQLite database "
                  + file
                  + " stayed locked by another connection or process through "
                  + attempt
                  + " attempts to "
                  + what
                  + " (busy timeout "
                  + options.busyTimeout().toMillis()
                  + " ms each). Retry later, or find the process that holds a long transaction"
                  + " on it.",
              e);
        }
        busyRetries.incrementAndGet();
        LOG.debug("SQLite database {} busy during {} (attempt {}), retrying", file, what, attempt);
        backoff(attempt);
      }
    }
  }

  private MlopsException failure(String what, SQLException e) {
    if (e.getErrorCode() == 26) { // SQLITE_NOTADB
      return new MlopsException(
          "File " + file + " is not an SQLite database: point the tracking URI at another file.",
          e);
    }
    return new MlopsException("SQLite " + what + " on " + file + " failed: " + e.getMessage(), e);
  }

  static boolean isBusy(@Nullable Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof SQLException sql) {
        int code = sql.getErrorCode() & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
          return true;
        }
        String message = String.valueOf(sql.getMessage());
        if (message.contains("SQLITE_BUSY") || message.contains("SQLITE_LOCKED")) {
          return true;
        }
        SQLException next = sql.getNextException();
        if (next != null && next != x && isBusy(next)) {
          return true;
        }
      }
    }
    return false;
  }

  private void backoff(int attempt) {
    long base = Math.min(MAX_BACKOFF_MILLIS, 10L << Math.min(attempt - 1, 10));
    long millis = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendUnavailableException(
          "Interrupted while waiting for SQLite database " + file + " to become free.", e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new MlopsException(
          "SQLite database " + file + " is closed: open a new Mlops to use it again.");
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      LOG.debug("Rollback failed (the transaction was already gone): {}", e.getMessage());
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("Closing an SQLite connection failed: {}", e.getMessage());
    }
  }

  private static void createParentDirectories(Path file) {
    Path parent = file.getParent();
    if (parent == null) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot create directory "
              + parent
              + " for the SQLite database "
              + file.getFileName()
              + ": "
              + e
              + ". Check permissions or choose another tracking URI.",
          e);
    }
  }
}
