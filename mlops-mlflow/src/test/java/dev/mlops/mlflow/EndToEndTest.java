package dev.mlops.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.Run;
import dev.mlops.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole SDK ({@link Mlops} and its logging engine) on the MLflow backend. */
@DisplayName("Mlops on an MLflow server, end to end")
class EndToEndTest {

  private static final String LOG_BATCH = "/api/2.0/mlflow/runs/log-batch";

  @TempDir Path dir;
  private FakeMlflowServer fake;
  private Mlops mlops;

  @BeforeEach
  void start() {
    fake = FakeMlflowServer.start(dir.resolve("server"));
    mlops = FakeServers.open(fake, dir);
  }

  @AfterEach
  void stop() throws Exception {
    mlops.close();
    fake.close();
    assertThat(fake.violations()).isEmpty();
  }

  @Test
  @DisplayName("MLFLOW_TRACKING_URI alone selects the MLflow backend")
  void environmentSelectsBackend() {
    try (Mlops fromEnv =
        Mlops.builder()
            .environment(Map.of("MLFLOW_TRACKING_URI", fake.uri()))
            .workingDirectory(dir)
            .build()) {
      String id = fromEnv.tracking().createExperiment("from-env", null, Map.of());
      assertThat(fake.calls("POST /api/2.0/mlflow/experiments/create")).isEqualTo(1);
      assertThat(mlops.tracking().getExperiment(id)).isPresent();
    }
  }

  @Test
  @DisplayName(
      "points logged from 4 threads through faults arrive once each, in ~1,000-point batches")
  void loggingThroughFaults() throws Exception {
    fake.dropResponsesAfterProcessing(2, call -> call.equals("POST " + LOG_BATCH));
    String state = STARTED;
    for (int i = 0; i < 3; i++) {
      fake.wireMock()
          .stubFor(
              post(urlPathEqualTo(LOG_BATCH))
                  .atPriority(1)
                  .inScenario("burst")
                  .whenScenarioStateIs(state)
                  .willReturn(aResponse().withStatus(i == 0 ? 429 : 503))
                  .willSetStateTo("s" + i));
      state = "s" + i;
    }
    int threads = 4;
    int perThread = 2_500;
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("e2e")) {
      runId = run.runId();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      run.logMetric("t" + thread, i, i, 1_700_000_000_000L + i);
                    }
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      run.logParam("threads", threads);
    }

    Run run = mlops.tracking().getRun(runId).orElseThrow();
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.params()).containsEntry("threads", "4");
    for (int t = 0; t < threads; t++) {
      List<Metric> history = mlops.tracking().getMetricHistory(runId, "t" + t);
      assertThat(history).hasSize(perThread);
      assertThat(history.stream().map(Metric::step).distinct().count()).isEqualTo(perThread);
    }
  }

  @Test
  @DisplayName("an oversize param is refused before anything is sent")
  void oversizeParam() {
    try (ActiveRun run = mlops.tracking().startRun("oversize")) {
      assertThatThrownBy(() -> run.logParam("big", "x".repeat(6001)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("6001")
          .hasMessageContaining("6000");
    }
    assertThat(fake.calls("POST " + LOG_BATCH)).isZero();
  }

  @Test
  @DisplayName(
      "a model logged as run artifacts, registered and aliased, downloads through models:/")
  void registerAndDownload() throws Exception {
    Path model = Files.createDirectories(dir.resolve("local-model"));
    Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
    Files.writeString(model.resolve("model.onnx"), "weights");
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("train")) {
      run.logArtifacts(model, "model");
      runId = run.runId();
    }
    ModelVersion v = mlops.registry().registerModel("runs:/" + runId + "/model", "fraud");
    mlops.registry().setAlias("fraud", "champion", v.version());

    Path downloaded = mlops.models().download("models:/fraud@champion");

    assertThat(downloaded.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(downloaded.resolve("model.onnx")).hasContent("weights");
    try (var files = Files.walk(fake.artifacts().root())) {
      assertThat(
              files
                  .filter(Files::isRegularFile)
                  .map(p -> p.getFileName().toString())
                  .sorted(Comparator.naturalOrder()))
          .containsExactly("MLmodel", "model.onnx");
    }
  }
}
