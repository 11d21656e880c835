package dev.mlops.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A process that logs and dies")
@Timeout(120)
class CrashTest {

  @TempDir Path dir;

  private Process child;

  @AfterEach
  void tearDown() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private Process start(String mode) throws Exception {
    child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                LoggingChild.class.getName(),
                dir.toString(),
                mode)
            .redirectError(dir.resolve("child.err").toFile())
            .start();
    return child;
  }

  @Test
  @DisplayName(
      "SIGKILL after a flush: a new Mlops on the store writes every point up to the flush, and"
          + " every point logged after it that the child saw return, each exactly once")
  void killedWhileLogging() throws Exception {
    Process p = start("kill");
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
    String runId = expect(out, "run ").substring(4);
    expect(out, "flushed");
    Map<String, Long> reported = new HashMap<>();
    int target = LoggingChild.BEFORE_FLUSH + 10 * LoggingChild.REPORT_EVERY;
    while (reported.size() < LoggingChild.THREADS
        || reported.values().stream().anyMatch(s -> s < target)) {
      String[] line = readLine(out).split(" ");
      reported.merge(line[0], Long.parseLong(line[1]), Math::max);
    }
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    assertThat(instanceDirs()).as("the killed child's journal").hasSize(1);

    try (Mlops mlops = open()) {
      mlops.close(); // returns once the journal was replayed
      assertThat(mlops.loggingStats().pointsFailed()).isZero();
    }

    Map<String, MetricRows> stored = MetricRows.of(dir.resolve("mlflow.db"), runId);
    assertThat(stored).containsOnlyKeys(reported.keySet());
    stored.forEach(
        (key, rows) -> {
          assertThat(rows.contiguousOnce()).as("%s: %s", key, rows).isTrue();
          assertThat(rows.maxStep()).as(key).isGreaterThanOrEqualTo(reported.get(key));
        });
    assertThat(instanceDirs()).as("journals left").isEmpty();
  }

  @Test
  @DisplayName(
      "a JVM that exits without closing Mlops still writes every queued point from its shutdown"
          + " hook")
  void exitWithoutClose() throws Exception {
    Process p = start("exit");
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
    String runId = expect(out, "run ").substring(4);
    expect(out, "done");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();

    Map<String, MetricRows> stored = MetricRows.of(dir.resolve("mlflow.db"), runId);
    assertThat(stored).hasSize(LoggingChild.THREADS);
    stored.forEach(
        (key, rows) -> {
          assertThat(rows.contiguousOnce()).as("%s: %s", key, rows).isTrue();
          assertThat(rows.rows()).as(key).isEqualTo(LoggingChild.EXIT_AFTER);
        });
  }

  private Mlops open() {
    return Mlops.builder()
        .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .journalDir(dir.resolve("journal"))
        .build();
  }

  private String expect(BufferedReader out, String prefix) throws Exception {
    String line;
    do {
      line = readLine(out);
    } while (!line.startsWith(prefix));
    return line;
  }

  private String readLine(BufferedReader out) throws Exception {
    String line = out.readLine();
    if (line == null) {
      throw new AssertionError(
          "the child ended early; its stderr:\n" + Files.readString(dir.resolve("child.err")));
    }
    return line;
  }

  private List<Path> instanceDirs() throws Exception {
    Path root = dir.resolve("journal");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> stores = Files.list(root)) {
      return stores
          .filter(Files::isDirectory)
          .flatMap(
              s -> {
                try (Stream<Path> in = Files.list(s)) {
                  return in.filter(Files::isDirectory).toList().stream();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
