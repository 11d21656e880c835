package dev.mlops.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.mlops.BackendUnavailableException;
import dev.mlops.Metric;
import dev.mlops.Page;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient failures between the backend and the server (WireMock faults in front of the fake
 * MLflow server): what is retried, and that retried log-batch calls neither lose nor duplicate a
 * metric point.
 */
@DisplayName("The MLflow backend under faults")
class FaultToleranceTest {

  private static final String LOG_BATCH = "/api/2.0/mlflow/runs/log-batch";
  private static final String CREATE_RUN = "/api/2.0/mlflow/runs/create";
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private FakeMlflowServer fake;
  private TestContext context;
  private TrackingBackend backend;
  private String runId;

  @BeforeEach
  void start() {
    fake = FakeMlflowServer.start(dir.resolve("server"));
    open(Map.of());
  }

  private void open(Map<String, String> settings) {
    context = TestContext.fastRetries(fake.uri(), dir, settings);
    backend = new MlflowTrackingProvider().create(context);
    String exp = backend.createExperiment("faults-" + System.nanoTime(), null, Map.of());
    runId = backend.createRun(new NewRun(exp, "r", T0, "", Map.of(), null)).runId();
  }

  @AfterEach
  void stop() throws Exception {
    context.close();
    fake.close();
    assertThat(fake.violations()).isEmpty();
  }

  private List<Metric> batch(int index, int size) {
    List<Metric> points = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      long step = (long) index * size + i;
      points.add(new Metric("loss", 1.0 / (step + 1), T0 + step, step));
    }
    return points;
  }

  private List<Metric> history() {
    List<Metric> all = new ArrayList<>();
    Page<Metric> page = backend.getMetricHistory(runId, "loss", 1000, null);
    all.addAll(page.items());
    while (page.hasNext()) {
      page = backend.getMetricHistory(runId, "loss", 1000, page.nextPageToken());
      all.addAll(page.items());
    }
    return all;
  }

  /**
   * The first {@code answers.size()} log-batch calls get these answers, later ones reach the fake.
   */
  private void firstLogBatchesAnswer(List<ResponseDefinitionBuilder> answers) {
    String state = STARTED;
    for (int i = 0; i < answers.size(); i++) {
      String next = "after-" + i;
      fake.wireMock()
          .stubFor(
              post(urlPathEqualTo(LOG_BATCH))
                  .atPriority(1)
                  .inScenario("faults")
                  .whenScenarioStateIs(state)
                  .willReturn(answers.get(i))
                  .willSetStateTo(next));
      state = next;
    }
  }

  @Test
  @DisplayName("429 with Retry-After is waited out and the batch is stored once")
  void tooManyRequests() {
    firstLogBatchesAnswer(
        List.of(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("slow down")));

    backend.logBatch(runId, batch(0, 10), List.of(), List.of());

    assertThat(history()).containsExactlyElementsOf(batch(0, 10));
    assertThat(fake.calls("POST " + LOG_BATCH)).isEqualTo(1);
  }

  @Test
  @DisplayName("a burst of 503s from a proxy is retried through")
  void serviceUnavailableBurst() {
    ResponseDefinitionBuilder unavailable =
        aResponse().withStatus(503).withBody("<html><body>upstream unavailable</body></html>");
    firstLogBatchesAnswer(List.of(unavailable, unavailable, unavailable, unavailable));

    backend.logBatch(runId, batch(0, 10), List.of(), List.of());

    assertThat(history()).containsExactlyElementsOf(batch(0, 10));
  }

  @Test
  @DisplayName("connection resets and empty responses before processing are retried")
  void connectionResets() {
    firstLogBatchesAnswer(
        List.of(
            aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
            aResponse().withFault(Fault.EMPTY_RESPONSE),
            aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

    backend.logBatch(runId, batch(0, 10), List.of(), List.of());

    assertThat(history()).containsExactlyElementsOf(batch(0, 10));
  }

  @Test
  @DisplayName(
      "an answer lost after the server stored the batch is retried without duplicating points")
  void lostAnswersDoNotDuplicate() {
    fake.dropResponsesAfterProcessing(3, call -> call.equals("POST " + LOG_BATCH));

    for (int b = 0; b < 5; b++) {
      backend.logBatch(runId, batch(b, 20), List.of(), List.of());
    }

    List<Metric> expected = new ArrayList<>();
    for (int b = 0; b < 5; b++) {
      expected.addAll(batch(b, 20));
    }
    assertThat(history()).containsExactlyElementsOf(expected);
    assertThat(fake.calls("POST " + LOG_BATCH)).isEqualTo(8);
  }

  @Test
  @DisplayName("a response slower than the timeout is retried; a slow one within it just arrives")
  void slowResponses() throws Exception {
    context.close();
    open(Map.of("MLFLOW_HTTP_REQUEST_TIMEOUT", "1"));
    firstLogBatchesAnswer(List.of(aResponse().withStatus(200).withBody("{}").withFixedDelay(3000)));

    backend.logBatch(runId, batch(0, 10), List.of(), List.of());
    fake.wireMock()
        .stubFor(
            any(anyUrl())
                .atPriority(50)
                .willReturn(aResponse().withTransformers("fake-mlflow").withFixedDelay(300)));
    backend.logBatch(runId, batch(1, 10), List.of(), List.of());

    List<Metric> expected = new ArrayList<>(batch(0, 10));
    expected.addAll(batch(1, 10));
    assertThat(history()).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("a creation is not repeated after a 500, which may mean it happened")
  void unsafeCallsAreNotRepeatedAfterServerErrors() {
    fake.wireMock()
        .stubFor(
            post(urlPathEqualTo(CREATE_RUN))
                .atPriority(1)
                .inScenario("create")
                .whenScenarioStateIs(STARTED)
                .willReturn(
                    aResponse()
                        .withStatus(500)
                        .withBody("{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"db hiccup\"}"))
                .willSetStateTo("answered"));
    fake.wireMock()
        .stubFor(
            post(urlPathEqualTo(CREATE_RUN))
                .atPriority(1)
                .inScenario("create")
                .whenScenarioStateIs("answered")
                .willReturn(
                    aResponse()
                        .withStatus(400)
                        .withBody("{\"error_code\":\"BAD_REQUEST\",\"message\":\"sent twice\"}")));

    assertThatThrownBy(() -> backend.createRun(new NewRun("0", "x", T0, "", Map.of(), null)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("db hiccup")
        .hasMessageNotContaining("sent twice");
  }

  @Test
  @DisplayName("a creation refused with 503 is repeated: the server did not act on it")
  void unsafeCallsAreRepeatedAfterUnavailable() {
    fake.wireMock()
        .stubFor(
            post(urlPathEqualTo(CREATE_RUN))
                .atPriority(1)
                .inScenario("create")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));

    String id =
        backend
            .createRun(
                new NewRun(
                    backend.getRun(runId).orElseThrow().info().experimentId(),
                    "x",
                    T0,
                    "",
                    Map.of(),
                    null))
            .runId();

    assertThat(backend.getRun(id)).isPresent();
  }

  @Test
  @DisplayName("when retries run out the failure names the call and the attempts")
  void retriesRunOut() throws Exception {
    context.close();
    open(Map.of("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2"));
    fake.wireMock()
        .stubFor(
            post(urlPathEqualTo(LOG_BATCH)).atPriority(1).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> backend.logBatch(runId, batch(0, 1), List.of(), List.of()))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("runs/log-batch")
        .hasMessageContaining("HTTP 503");
  }

  @Test
  @DisplayName(
      "a 30 s outage mid-run (15 s of 503s, then 15 s refused) loses and duplicates nothing")
  void outageMidRun() throws Exception {
    context.close();
    Map<String, String> patient = new HashMap<>();
    patient.put("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "100");
    patient.put("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.1");
    patient.put("MLFLOW_HTTP_REQUEST_MAX_BACKOFF", "1");
    open(patient);
    long outageMillis = Long.getLong("mlflow.outage.millis", 30_000);
    int batches = 40;
    CountDownLatch halfway = new CountDownLatch(1);
    ExecutorService logger = Executors.newSingleThreadExecutor();
    try {
      Future<?> run =
          logger.submit(
              () -> {
                for (int b = 0; b < batches; b++) {
                  if (b == batches / 2) {
                    halfway.countDown();
                  }
                  backend.logBatch(runId, batch(b, 100), List.of(), List.of());
                }
              });
      assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
      StubMapping down =
          fake.wireMock()
              .stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(503)));
      Thread.sleep(outageMillis / 2);
      fake.wireMock().removeStub(down);
      fake.stopListening();
      Thread.sleep(outageMillis / 2);
      fake.startListening();
      run.get(120, TimeUnit.SECONDS);
    } finally {
      logger.shutdownNow();
    }
    List<Metric> expected = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      expected.addAll(batch(b, 100));
    }
    assertThat(history()).containsExactlyElementsOf(expected);
  }
}
