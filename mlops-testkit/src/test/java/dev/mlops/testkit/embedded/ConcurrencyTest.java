package dev.mlops.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.ActiveRun;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many threads and several processes writing to one embedded store lose and duplicate nothing. */
@DisplayName("Embedded store under concurrent writers")
class ConcurrencyTest {

  private static final long T0 = LoggingProcess.T0;

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static List<Long> steps(List<Metric> history) {
    return history.stream().map(Metric::step).toList();
  }

  @Test
  @DisplayName(
      "8 threads logging 10,000 points each to one active run store exactly 80,000 points, each once")
  void eightThreadsOneRun(@TempDir Path dir) throws Exception {
    int threads = 8;
    int points = 10_000;
    try (Mlops mlops = EmbeddedStore.open(dir);
        ActiveRun run = mlops.tracking().startRun("concurrency", "threads")) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          tasks.add(
              () -> {
                for (int i = 0; i < points; i++) {
                  run.logMetric("loss", thread, (long) thread * points + i, T0 + i);
                }
                return thread;
              });
        }
        for (Future<Integer> f : pool.invokeAll(tasks)) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      run.flush();

      List<Metric> history = mlops.tracking().getMetricHistory(run.runId(), "loss");
      assertThat(history).hasSize(threads * points);
      assertThat(steps(history)).containsExactlyElementsOf(range(0, (long) threads * points));
      for (Metric m : history) {
        assertThat(m.value()).isEqualTo((double) (m.step() / points));
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName(
      "2 processes logging 20,000 points each to their own runs and to one shared run lose, duplicate and surface nothing")
  void twoProcessesOneFile(@TempDir Path dir) throws Exception {
    int n = 20_000;
    try (Mlops mlops = EmbeddedStore.open(dir);
        ActiveRun shared = mlops.tracking().startRun("concurrency", "shared")) {
      List<Child> children = new ArrayList<>();
      try {
        children.add(Child.start(dir, shared.runId(), 0, n));
        children.add(Child.start(dir, shared.runId(), 1, n));
        for (Child c : children) {
          c.awaitLine("ready");
        }
        for (Child c : children) {
          c.say("go");
        }
        List<String> ownRuns = new ArrayList<>();
        for (Child c : children) {
          ownRuns.add(c.finish());
        }

        for (String runId : ownRuns) {
          assertThat(steps(mlops.tracking().getMetricHistory(runId, "own")))
              .as("history of run %s", runId)
              .containsExactlyElementsOf(range(0, n));
        }
        List<Metric> sharedHistory = mlops.tracking().getMetricHistory(shared.runId(), "shared");
        assertThat(steps(sharedHistory)).containsExactlyElementsOf(range(0, 2L * n));
        assertThat(sharedHistory.stream().filter(m -> m.value() == 1.0).count()).isEqualTo(n);
      } finally {
        children.forEach(c -> c.process().destroyForcibly());
      }
    }
  }

  /** One child JVM running {@link LoggingProcess}. */
  private record Child(
      Process process, BufferedReader stdout, Writer stdin, Path stderr, int index) {

    static Child start(Path dir, String sharedRunId, int index, int n) throws IOException {
      Path stderr = dir.resolve("child-" + index + ".err");
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-Xmx256m",
                  "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LoggingProcess.class.getName(),
                  dir.toString(),
                  sharedRunId,
                  Integer.toString(index),
                  Integer.toString(n))
              .redirectError(stderr.toFile())
              .start();
      return new Child(
          p,
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
          new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8),
          stderr,
          index);
    }

    void awaitLine(String expected) throws IOException {
      String line = stdout.readLine();
      assertThat(line).as("child %d said%n%s", index, stderrText()).isEqualTo(expected);
    }

    void say(String line) throws IOException {
      stdin.write(line + "\n");
      stdin.flush();
    }

    /** Waits for the child to exit 0 and returns the run id it printed. */
    String finish() throws Exception {
      String last = null;
      for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
        last = line;
      }
      boolean exited = process.waitFor(10, TimeUnit.MINUTES);
      if (!exited) {
        process.destroyForcibly();
      }
      assertThat(exited).as("child %d exited%n%s", index, stderrText()).isTrue();
      assertThat(process.exitValue()).as("exit code of child %d%n%s", index, stderrText()).isZero();
      assertThat(stderrText()).as("stderr of child %d", index).doesNotContain("SQLITE_BUSY");
      assertThat(last).as("last line of child %d", index).startsWith("run=");
      return last.substring("run=".length());
    }

    String stderrText() throws IOException {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    }
  }
}
