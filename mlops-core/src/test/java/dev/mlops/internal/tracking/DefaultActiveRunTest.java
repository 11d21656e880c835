package dev.mlops.internal.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.RunInfo;
import dev.mlops.RunStatus;
import dev.mlops.internal.tracking.FakeTrackingBackend.Gate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DefaultActiveRun")
@Timeout(60)
class DefaultActiveRunTest {

  @TempDir Path tempDir;
  TrackingFixture fixture;
  FakeTrackingBackend backend;
  DefaultTracking tracking;

  @BeforeEach
  void setUp() {
    fixture = new TrackingFixture(tempDir, 1000, Duration.ofSeconds(30), Map.of("USER", "alice"));
    backend = fixture.backend;
    tracking = fixture.tracking;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Nested
  @DisplayName("logging")
  class Logging {

    @Test
    @DisplayName("params, metrics and tags are stored after flush")
    void everythingIsStored() {
      ActiveRun run = tracking.startRun("exp");
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("layers", 3);
      params.put("optimizer", "adam");
      run.logParam("alpha", "0.1")
          .logParam("beta", 0.5)
          .logParams(params)
          .logMetric("auc", 0.9)
          .logMetric("loss", 0.3, 7)
          .logMetric("loss", 0.2, 8, 1234)
          .setTag("team", "risk");
      run.flush();

      String id = run.runId();
      assertThat(backend.storedParams(id))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("alpha", "0.1", "beta", "0.5", "layers", "3", "optimizer", "adam"));
      assertThat(backend.storedTags(id)).containsEntry("team", "risk");
      List<Metric> metrics = backend.storedMetrics(id);
      assertThat(metrics).hasSize(3);
      assertThat(metrics)
          .filteredOn(m -> m.key().equals("auc"))
          .singleElement()
          .satisfies(m -> assertThat(m.step()).isZero());
      assertThat(metrics).contains(new Metric("loss", 0.2, 1234, 8));
      run.close();
    }

    @Test
    @DisplayName("invalid arguments throw in the caller and nothing is queued")
    void validationHappensInTheCaller() {
      ActiveRun run = tracking.startRun("exp");
      run.flush();
      int callsBefore = backend.batchCalls().size();
      Map<String, Object> mixed = new LinkedHashMap<>();
      mixed.put("good", 1);
      mixed.put("bad*key", 2);
      Map<String, Object> nullValue = new HashMap<>();
      nullValue.put("k", null);

      assertThatThrownBy(() -> run.logMetric("bad*key", 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("bad*key");
      assertThatThrownBy(() -> run.logMetric("", 1)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logMetric("loss", Double.NaN))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logMetric("loss", Double.POSITIVE_INFINITY, 1))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logMetric("loss", 1, 1, -5))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logParam("p", "v".repeat(6001)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("6001");
      assertThatThrownBy(() -> run.logParam("p", (Object) null))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.setTag("t", null)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.setTag("../escape", "v"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logParams(mixed)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logParams(nullValue)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logParams(null)).isInstanceOf(InvalidInputException.class);

      assertThat(tracking.loggingStats().queueDepth()).isZero();
      run.flush();
      assertThat(backend.batchCalls()).hasSize(callsBefore);
      assertThat(backend.storedParams(run.runId())).isEmpty();
      run.close();
    }

    @Test
    @DisplayName("points from 8 threads, 10,000 each, are all stored exactly once")
    void concurrentLogging() throws InterruptedException {
      ActiveRun run = tracking.startRun("exp");
      CountDownLatch start = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String key = "worker-" + t;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int step = 0; step < 10_000; step++) {
                      run.logMetric(key, step * 0.5, step, 1000);
                    }
                  } catch (Throwable e) {
                    error.compareAndSet(null, e);
                  }
                });
        thread.start();
        threads.add(thread);
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      run.close();

      assertThat(error.get()).isNull();
      assertThat(backend.metricsReceived()).isEqualTo(80_000);
      List<Metric> stored = backend.storedMetrics(run.runId());
      Set<String> identities = new HashSet<>();
      stored.forEach(m -> identities.add(m.key() + "@" + m.step()));
      assertThat(stored).hasSize(80_000);
      assertThat(identities).hasSize(80_000);
      assertThat(backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    @DisplayName("flush throws a param conflict of this run, naming the run and key")
    void flushReportsConflict() {
      ActiveRun run = tracking.startRun("exp");
      run.logParam("alpha", "1");
      run.flush();
      run.logParam("alpha", "2");

      assertThatThrownBy(run::flush)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(run.runId())
          .hasMessageContaining("alpha");
      run.flush();
      run.close();
    }
  }

  @Nested
  @DisplayName("ending")
  class Ending {

    @Test
    @DisplayName("close ends the run FINISHED with an end time, after writing its points")
    void closeFinishes() {
      ActiveRun run = tracking.startRun("exp");
      run.logMetric("loss", 0.1, 1);
      run.close();

      RunInfo info = backend.runInfo(run.runId());
      assertThat(info.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(info.endTime()).isNotNull();
      assertThat(backend.storedMetrics(run.runId())).hasSize(1);
    }

    @Test
    @DisplayName(
        "end is idempotent: the first status stays, close after end(FAILED) changes nothing")
    void endIsIdempotent() {
      ActiveRun run = tracking.startRun("exp");
      int before = backend.updateRunCalls();
      run.end(RunStatus.FAILED);
      run.end(RunStatus.FINISHED);
      run.close();

      assertThat(backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.FAILED);
      assertThat(backend.updateRunCalls() - before).isEqualTo(1);
    }

    @Test
    @DisplayName("a run cannot end as RUNNING")
    void endNeedsTerminalStatus() {
      ActiveRun run = tracking.startRun("exp");
      assertThatThrownBy(() -> run.end(RunStatus.RUNNING))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("FINISHED, FAILED or KILLED");
      run.close();
      assertThat(backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.FINISHED);
    }

    @Test
    @DisplayName("logging to an ended run throws and says to start a new run")
    void loggingAfterEnd(@TempDir Path files) throws Exception {
      ActiveRun run = tracking.startRun("exp");
      run.close();
      Path file = Files.writeString(files.resolve("a.txt"), "x");

      assertThatThrownBy(() -> run.logMetric("loss", 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(run.runId())
          .hasMessageContaining("has ended")
          .hasMessageContaining("Start a new run");
      assertThatThrownBy(() -> run.logParam("a", "b")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.setTag("a", "b")).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.logArtifact(file)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.startChild("c")).isInstanceOf(InvalidInputException.class);
      run.flush();
    }

    @Test
    @DisplayName("a flush failure still ends the run with the given status, then is thrown")
    void endWithFlushFailure() {
      ActiveRun run = tracking.startRun("exp");
      run.logParam("alpha", "1");
      run.flush();
      run.logParam("alpha", "2");

      assertThatThrownBy(() -> run.end(RunStatus.FAILED))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("alpha");
      assertThat(backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.FAILED);
      run.close();
    }

    @Test
    @DisplayName("end gives up waiting after the close timeout, still ends the run, and says why")
    void endWithStuckBackend(@TempDir Path other) throws InterruptedException {
      try (TrackingFixture f = new TrackingFixture(other, 100, Duration.ofMillis(20), Map.of())) {
        ActiveRun run = f.tracking.startRun("exp");
        Gate gate = f.backend.closeGate();
        run.logMetric("loss", 1);
        gate.awaitEntered();

        assertThatThrownBy(run::close)
            .isInstanceOf(dev.mlops.BackendUnavailableException.class)
            .hasMessageContaining(run.runId());
        assertThat(f.backend.runInfo(run.runId()).status()).isEqualTo(RunStatus.FINISHED);
        gate.open();
      }
    }

    @Test
    @DisplayName("withRun ends the run FINISHED when the body returns")
    void withRunFinishes() {
      AtomicReference<String> id = new AtomicReference<>();
      tracking.withRun(
          "exp",
          run -> {
            id.set(run.runId());
            run.logMetric("auc", 0.9);
          });

      assertThat(backend.runInfo(id.get()).status()).isEqualTo(RunStatus.FINISHED);
      assertThat(backend.storedMetrics(id.get())).hasSize(1);
    }

    @Test
    @DisplayName("withRun ends the run FAILED and rethrows the body's own exception")
    void withRunFails() {
      AtomicReference<String> id = new AtomicReference<>();
      IllegalStateException boom = new IllegalStateException("boom");

      assertThatThrownBy(
              () ->
                  tracking.withRun(
                      "exp",
                      run -> {
                        id.set(run.runId());
                        throw boom;
                      }))
          .isSameAs(boom);
      assertThat(backend.runInfo(id.get()).status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    @DisplayName("withRun adds a flush failure to the body's exception as suppressed")
    void withRunFailureAndFlushFailure() {
      AtomicReference<String> id = new AtomicReference<>();
      IllegalStateException boom = new IllegalStateException("boom");

      assertThatThrownBy(
              () ->
                  tracking.withRun(
                      "exp",
                      run -> {
                        id.set(run.runId());
                        run.logParam("alpha", "1");
                        run.flush();
                        run.logParam("alpha", "2");
                        throw boom;
                      }))
          .isSameAs(boom)
          .satisfies(
              e ->
                  assertThat(e.getSuppressed())
                      .singleElement()
                      .isInstanceOf(InvalidInputException.class));
      assertThat(backend.runInfo(id.get()).status()).isEqualTo(RunStatus.FAILED);
    }
  }

  @Nested
  @DisplayName("artifacts")
  class Artifacts {

    @Test
    @DisplayName("files land at the root or inside the given directory, keeping their names")
    void logArtifact(@TempDir Path files) throws Exception {
      ActiveRun run = tracking.startRun("exp");
      Path report = Files.writeString(files.resolve("report.html"), "<h1>ok</h1>");

      run.logArtifact(report);
      run.logArtifact(report, "reports/daily");

      Path root = TrackingFixture.artifactDir(run.artifactUri());
      assertThat(root.resolve("report.html")).hasContent("<h1>ok</h1>");
      assertThat(root.resolve("reports/daily/report.html")).hasContent("<h1>ok</h1>");
      run.close();
    }

    @Test
    @DisplayName("a directory's contents land under the given path, or at the root for \"\"")
    void logArtifacts(@TempDir Path files) throws Exception {
      ActiveRun run = tracking.startRun("exp");
      Path dir = Files.createDirectories(files.resolve("model"));
      Files.writeString(dir.resolve("MLmodel"), "flavors: {}");
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("data/weights.bin"), "w");

      run.logArtifacts(dir, "model");
      run.logArtifacts(dir, "");

      Path root = TrackingFixture.artifactDir(run.artifactUri());
      assertThat(root.resolve("model/MLmodel")).hasContent("flavors: {}");
      assertThat(root.resolve("model/data/weights.bin")).hasContent("w");
      assertThat(root.resolve("MLmodel")).exists();
      run.close();
    }

    @Test
    @DisplayName("text is written as a UTF-8 file")
    void logText() {
      ActiveRun run = tracking.startRun("exp");
      run.logText("héllo", "notes/summary.txt");

      Path root = TrackingFixture.artifactDir(run.artifactUri());
      assertThat(root.resolve("notes/summary.txt")).hasContent("héllo");
      run.close();
    }

    @Test
    @DisplayName("missing files, directories in place of files and escaping paths are rejected")
    void badArtifacts(@TempDir Path files) throws Exception {
      ActiveRun run = tracking.startRun("exp");
      Path missing = files.resolve("nope.txt");
      Path file = Files.writeString(files.resolve("a.txt"), "a");

      assertThatThrownBy(() -> run.logArtifact(missing))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(missing.toString())
          .hasMessageContaining("no such file");
      assertThatThrownBy(() -> run.logArtifact(files))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("logArtifacts");
      assertThatThrownBy(() -> run.logArtifacts(file, "x"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not a directory");
      assertThatThrownBy(() -> run.logArtifact(file, "../outside"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("..");
      assertThatThrownBy(() -> run.logText("x", "")).isInstanceOf(InvalidInputException.class);
      assertThat(TrackingFixture.artifactDir(run.artifactUri())).doesNotExist();
      run.close();
    }
  }
}
