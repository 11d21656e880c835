package dev.mlops.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.MlopsException;
import dev.mlops.Param;
import dev.mlops.spi.NewRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SqliteDatabase")
class SqliteDatabaseTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("nested/dir/mlflow.db");
  }

  @Nested
  @DisplayName("on a new file")
  class NewFile {

    @Test
    @DisplayName("creates the parent directories and every MLflow table and index")
    void createsSchema() throws Exception {
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/data/mlruns")) {
        assertThat(db.file()).isEqualTo(file().toAbsolutePath());
      }
      List<String> tables =
          Db.column(
              file(),
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      assertThat(tables)
          .hasSize(23)
          .contains(
              "alembic_version",
              "experiments",
              "runs",
              "metrics",
              "latest_metrics",
              "params",
              "tags",
              "model_versions",
              "registered_model_aliases",
              "logged_models");
      assertThat(
              Db.number(
                  file(),
                  "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                      + " AND name LIKE 'index_%'"))
          .isEqualTo(12);
    }

    @Test
    @DisplayName("stamps alembic revision bda7b8c39065 and inserts the Default experiment 0")
    void stampsRevisionAndDefaultExperiment() throws Exception {
      SqliteDatabase.open(file(), "/data/mlruns").close();
      assertThat(Db.column(file(), "SELECT version_num FROM alembic_version"))
          .containsExactly("bda7b8c39065");
      assertThat(
              Db.column(
                  file(),
                  "SELECT experiment_id || '|' || name || '|' || artifact_location || '|'"
                      + " || lifecycle_stage FROM experiments"))
          .containsExactly("0|Default|/data/mlruns/0|active");
      assertThat(
              Db.number(
                  file(),
                  "SELECT count(*) FROM experiments WHERE creation_time > 0"
                      + " AND last_update_time = creation_time"))
          .isEqualTo(1);
    }

    @Test
    @DisplayName("uses WAL, foreign keys and case-sensitive LIKE on its connections")
    void pragmas() throws Exception {
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r")) {
        List<String> values =
            db.read(
                c -> {
                  List<String> v = new ArrayList<>();
                  for (String q :
                      List.of(
                          "PRAGMA journal_mode",
                          "PRAGMA foreign_keys",
                          "SELECT 'ABC' LIKE 'abc'",
                          "SELECT 'abc' LIKE 'a%'")) {
                    try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(q)) {
                      rs.next();
                      v.add(rs.getString(1));
                    }
                  }
                  return v;
                });
        assertThat(values).containsExactly("wal", "1", "0", "1");
        assertThatThrownBy(
                () ->
                    db.inTransaction(
                        c ->
                            Sql.update(
                                c,
                                "INSERT INTO tags (\"key\", value, run_uuid)"
                                    + " VALUES ('k', 'v', 'no-such-run')")))
            .isInstanceOf(MlopsException.class)
            .hasMessageContaining("FOREIGN KEY");
      }
    }

    @Test
    @DisplayName("is created once when two openers race for the same new file")
    void concurrentCreation() throws Exception {
      Path file = file();
      int openers = 4;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(openers);
      try {
        List<Future<SqliteDatabase>> opened = new ArrayList<>();
        for (int i = 0; i < openers; i++) {
          opened.add(
              pool.submit(
                  () -> {
                    start.await();
                    return SqliteDatabase.open(file, "/r");
                  }));
        }
        start.countDown();
        for (Future<SqliteDatabase> f : opened) {
          f.get().close();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(Db.number(file, "SELECT count(*) FROM experiments")).isEqualTo(1);
      assertThat(Db.number(file, "SELECT count(*) FROM alembic_version")).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("on an existing file")
  class ExistingFile {

    @Test
    @DisplayName("keeps what an earlier instance wrote and adds no second Default experiment")
    void reopen() throws Exception {
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/first")) {
        new SqliteTrackingBackend(db, "/first", dir).createExperiment("kept", null, Map.of());
      }
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/second")) {
        SqliteTrackingBackend tracking = new SqliteTrackingBackend(db, "/second", dir);
        assertThat(tracking.getExperimentByName("kept")).isPresent();
        assertThat(tracking.getExperiment("0").orElseThrow().artifactLocation())
            .isEqualTo("/first/0");
      }
      assertThat(Db.number(file(), "SELECT count(*) FROM experiments")).isEqualTo(2);
    }

    @Test
    @DisplayName("opens a file at another revision when every table it needs is there")
    void otherRevisionWithTables() throws Exception {
      SqliteDatabase.open(file(), "/r").close();
      Db.execute(file(), "UPDATE alembic_version SET version_num = 'cbc13b556ace'");
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r")) {
        assertThat(new SqliteTrackingBackend(db, "/r", dir).getExperiment("0")).isPresent();
      }
      assertThat(Db.column(file(), "SELECT version_num FROM alembic_version"))
          .containsExactly("cbc13b556ace");
    }

    @Test
    @DisplayName("refuses a file at another revision that lacks a column it needs, naming both")
    void otherRevisionMissingColumn() throws Exception {
      SqliteDatabase.open(file(), "/r").close();
      Db.execute(file(), "UPDATE alembic_version SET version_num = '0a8213491aaa'");
      Db.execute(file(), "DROP TABLE registered_model_aliases");
      assertThatThrownBy(() -> SqliteDatabase.open(file(), "/r"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("0a8213491aaa")
          .hasMessageContaining("table registered_model_aliases")
          .hasMessageContaining("mlflow db upgrade");
    }

    @Test
    @DisplayName("refuses an SQLite file that belongs to another application")
    void foreignDatabase() throws Exception {
      Files.createDirectories(file().getParent());
      Db.execute(file(), "CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
      assertThatThrownBy(() -> SqliteDatabase.open(file(), "/r"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("invoices");
      assertThat(Db.number(file(), "SELECT count(*) FROM sqlite_master")).isEqualTo(1);
      assertThat(Db.column(file(), "PRAGMA journal_mode")).containsExactly("delete");
    }

    @Test
    @DisplayName("refuses a file that is not an SQLite database")
    void notADatabase() throws Exception {
      Files.createDirectories(file().getParent());
      Files.writeString(file(), "this is not a database, but it is long enough to have a header");
      assertThatThrownBy(() -> SqliteDatabase.open(file(), "/r"))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("not an SQLite database");
    }
  }

  @Nested
  @DisplayName("transactions")
  class Transactions {

    @Test
    @DisplayName("roll back everything when the work throws")
    void rollback() throws Exception {
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r")) {
        assertThatThrownBy(
                () ->
                    db.inTransaction(
                        c -> {
                          Sql.update(c, "INSERT INTO experiments (name) VALUES ('half')");
                          throw new InvalidInputException("stop");
                        }))
            .isInstanceOf(InvalidInputException.class)
            .hasMessage("stop");
        assertThat(db.<String>read(c -> Sql.string(c, "SELECT count(*) FROM experiments")))
            .isEqualTo("1");
      }
    }

    @Test
    @DisplayName("report a database that stays locked as BackendUnavailableException")
    void busyExhaustion() throws Exception {
      SqliteDatabase.Options impatient = new SqliteDatabase.Options(Duration.ofMillis(20), 3, 2);
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r", impatient);
          Connection other = Db.connect(file());
          Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        s.executeUpdate("INSERT INTO experiments (name) VALUES ('held')");
        assertThatThrownBy(
                () -> db.inTransaction(c -> Sql.update(c, "DELETE FROM experiment_tags")))
            .isInstanceOf(BackendUnavailableException.class)
            .hasMessageContaining("3 attempts")
            .hasMessageContaining(file().getFileName().toString());
        assertThat(db.<String>read(c -> Sql.string(c, "SELECT count(*) FROM experiments")))
            .as("readers are not blocked by the writer in WAL mode")
            .isEqualTo("1");
        s.execute("COMMIT");
        db.inTransaction(c -> Sql.update(c, "DELETE FROM experiment_tags"));
      }
    }

    @Test
    @DisplayName("retry a write that found the file locked and succeed once it is free")
    void busyRetry() throws Exception {
      SqliteDatabase.Options quick = new SqliteDatabase.Options(Duration.ofMillis(1), 1000, 2);
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r", quick);
          Connection other = Db.connect(file());
          Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
          Future<Integer> write =
              pool.submit(
                  () ->
                      db.inTransaction(
                          c -> Sql.update(c, "INSERT INTO experiments (name) VALUES ('late')")));
          while (db.busyRetries() == 0 && !write.isDone()) {
            Thread.onSpinWait();
          }
          assertThat(write.isDone()).as("the write waits while the lock is held").isFalse();
          s.execute("COMMIT");
          assertThat(write.get()).isEqualTo(1);
        } finally {
          pool.shutdownNow();
        }
      }
      assertThat(Db.column(file(), "SELECT name FROM experiments")).contains("late");
    }

    @Test
    @DisplayName("let two instances on one file write concurrently without surfacing SQLITE_BUSY")
    void twoInstances() throws Exception {
      int threadsPerInstance = 4;
      int batches = 20;
      try (SqliteDatabase first = SqliteDatabase.open(file(), "/r");
          SqliteDatabase second = SqliteDatabase.open(file(), "/r")) {
        List<SqliteTrackingBackend> backends =
            List.of(
                new SqliteTrackingBackend(first, "/r", dir),
                new SqliteTrackingBackend(second, "/r", dir));
        String exp = backends.get(0).createExperiment("shared", null, Map.of());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerInstance);
        List<Future<String>> runs = new ArrayList<>();
        try {
          for (int t = 0; t < 2 * threadsPerInstance; t++) {
            SqliteTrackingBackend backend = backends.get(t % 2);
            runs.add(
                pool.submit(
                    () -> {
                      start.await();
                      String runId =
                          backend.createRun(new NewRun(exp, "r", 1, "", Map.of(), null)).runId();
                      for (int b = 0; b < batches; b++) {
                        List<Metric> points = new ArrayList<>();
                        for (int i = 0; i < 500; i++) {
                          points.add(new Metric("m", i, b, (long) b * 500 + i));
                        }
                        backend.logBatch(
                            runId, points, List.of(new Param("p" + b, "v")), List.of());
                      }
                      return runId;
                    }));
          }
          start.countDown();
          for (Future<String> f : runs) {
            f.get();
          }
        } finally {
          pool.shutdownNow();
        }
      }
      long runsCount = 2L * threadsPerInstance;
      assertThat(Db.number(file(), "SELECT count(*) FROM runs")).isEqualTo(runsCount);
      assertThat(Db.number(file(), "SELECT count(*) FROM metrics"))
          .isEqualTo(runsCount * batches * 500);
      assertThat(Db.number(file(), "SELECT count(*) FROM params")).isEqualTo(runsCount * batches);
    }

    @Test
    @DisplayName("fail clearly after close")
    void closed() {
      SqliteDatabase db = SqliteDatabase.open(file(), "/r");
      db.close();
      db.close();
      assertThatThrownBy(() -> db.read(c -> 1))
          .isInstanceOf(MlopsException.class)
          .hasMessageContaining("closed");
    }

    @Test
    @DisplayName("reject nesting instead of deadlocking")
    void nesting() {
      try (SqliteDatabase db = SqliteDatabase.open(file(), "/r")) {
        assertThatThrownBy(() -> db.inTransaction(c -> db.inTransaction(c2 -> 1)))
            .isInstanceOf(IllegalStateException.class);
      }
    }
  }
}
