package dev.mlops.benchmarks;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Logging N metric points through {@link ActiveRun#logMetric} into the embedded store, against a
 * raw JDBC batched insert of the same points into the same schema, in the same run.
 *
 * <p>Both sides write the same rows: {@code keys} metric keys, {@code N / keys} steps each, into
 * {@code metrics}, and keep {@code latest_metrics} correct. The API side is timed from the first
 * {@code logMetric} until {@code close()} returns (everything durable); the JDBC side from the
 * first insert to the last commit. Trials alternate; medians are reported.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package -Dbench.points=1000000 -Dbench.trials=5
 * </pre>
 */
public final class EmbeddedIngestBenchmark {

  private static final int KEYS = 10;

  private EmbeddedIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int points = Integer.getInteger("bench.points", 1_000_000);
    int trials = Integer.getInteger("bench.trials", 5);
    Path root = Files.createTempDirectory("mlops-ingest-bench");
    try {
      List<Double> api = new ArrayList<>();
      List<Double> jdbc = new ArrayList<>();
      runApi(root.resolve("warmup-api"), points / 10);
      runJdbc(root.resolve("warmup-jdbc"), points / 10);
      for (int t = 0; t < trials; t++) {
        jdbc.add(runJdbc(root.resolve("jdbc-" + t), points));
        api.add(runApi(root.resolve("api-" + t), points));
        System.out.printf(
            Locale.ROOT,
            "trial %d: raw JDBC %,.0f points/s, ActiveRun %,.0f points/s%n",
            t + 1,
            jdbc.get(t),
            api.get(t));
      }
      double a = median(api);
      double j = median(jdbc);
      System.out.printf(
          Locale.ROOT,
          "%nEmbedded ingest, %,d points, %d trials (medians):%n"
              + "  raw JDBC batch insert : %,12.0f points/s%n"
              + "  ActiveRun.logMetric   : %,12.0f points/s%n"
              + "  ratio API / JDBC      : %12.2f  (target >= 0.70)%n",
          points,
          trials,
          j,
          a,
          a / j);
    } finally {
      deleteRecursively(root);
    }
  }

  static double runApi(Path dir, int points) throws IOException {
    Files.createDirectories(dir);
    try (Mlops mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .build()) {
      ActiveRun run = mlops.tracking().startRun("bench");
      String[] keys = keys();
      long ts = System.currentTimeMillis();
      long start = System.nanoTime();
      for (int i = 0; i < points; i++) {
        run.logMetric(keys[i % KEYS], i * 0.001, i / KEYS, ts);
      }
      run.close();
      long elapsed = System.nanoTime() - start;
      return points / (elapsed / 1e9);
    }
  }

  static double runJdbc(Path dir, int points) throws IOException, SQLException {
    Files.createDirectories(dir);
    String runId;
    Path db = dir.resolve("mlflow.db");
    try (Mlops mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + db)
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .build()) {
      ActiveRun run = mlops.tracking().startRun("bench");
      runId = run.runId();
      run.close();
    }
    String[] keys = keys();
    long ts = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT OR IGNORE INTO metrics (key, value, timestamp, run_uuid, step, is_nan)"
                  + " VALUES (?, ?, ?, ?, ?, 0)")) {
        int batch = 10_000;
        for (int i = 0; i < points; i++) {
          insert.setString(1, keys[i % KEYS]);
          insert.setDouble(2, i * 0.001);
          insert.setLong(3, ts);
          insert.setString(4, runId);
          insert.setLong(5, i / KEYS);
          insert.addBatch();
          if ((i + 1) % batch == 0) {
            insert.executeBatch();
            c.commit();
          }
        }
        insert.executeBatch();
        c.commit();
      }
      try (PreparedStatement latest =
          c.prepareStatement(
              "INSERT OR REPLACE INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
                  + " VALUES (?, ?, ?, ?, 0, ?)")) {
        for (int k = 0; k < KEYS; k++) {
          int last = points - KEYS + k;
          latest.setString(1, keys[k]);
          latest.setDouble(2, last * 0.001);
          latest.setLong(3, ts);
          latest.setLong(4, last / KEYS);
          latest.setString(5, runId);
          latest.addBatch();
        }
        latest.executeBatch();
        c.commit();
      }
      long elapsed = System.nanoTime() - start;
      return points / (elapsed / 1e9);
    }
  }

  private static String[] keys() {
    String[] keys = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      keys[k] = "metric_" + k;
    }
    return keys;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
