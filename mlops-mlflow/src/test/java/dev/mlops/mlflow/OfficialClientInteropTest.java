package dev.mlops.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Metric;
import dev.mlops.ModelVersion;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.Tag;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * The official MLflow Java client ({@code org.mlflow:mlflow-client} 2.17.2) and this backend share
 * one (fake) server: what either writes, the other reads back the same.
 */
@DisplayName("Interoperation with the official MLflow Java client")
class OfficialClientInteropTest {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private FakeMlflowServer fake;
  private TestContext context;
  private TrackingBackend ours;
  private RegistryBackend ourRegistry;
  private MlflowClient official;

  @BeforeEach
  void start() {
    fake = FakeMlflowServer.start(dir.resolve("server"));
    context = TestContext.fastRetries(fake.uri(), dir, Map.of());
    ours = new MlflowTrackingProvider().create(context);
    ourRegistry = new MlflowRegistryProvider().create(context);
    official = new MlflowClient(fake.uri());
  }

  @AfterEach
  void stop() throws Exception {
    official.close();
    context.close();
    fake.close();
    assertThat(fake.violations()).as("requests of either client that broke the contract").isEmpty();
  }

  @Test
  @DisplayName(
      "a run, params, metrics and tags written by the official client read back through ours")
  void officialWritesOursReads() {
    String exp = official.createExperiment("written-by-official");
    Service.RunInfo created =
        official.createRun(
            Service.CreateRun.newBuilder()
                .setExperimentId(exp)
                .setRunName("official-run")
                .setStartTime(T0)
                .build());
    String runId = created.getRunId();
    official.logParam(runId, "alpha", "0.5");
    official.setTag(runId, "team", "risk");
    for (int step = 0; step < 5; step++) {
      official.logMetric(runId, "loss", 1.0 / (step + 1), T0 + step, step);
    }
    official.logBatch(
        runId,
        List.of(
            Service.Metric.newBuilder()
                .setKey("acc")
                .setValue(0.9)
                .setTimestamp(T0)
                .setStep(7)
                .build()),
        List.of(Service.Param.newBuilder().setKey("beta").setValue("2").build()),
        List.of(Service.RunTag.newBuilder().setKey("stage").setValue("eval").build()));
    official.setTerminated(runId, Service.RunStatus.FINISHED, T0 + 100);

    Run run = ours.getRun(runId).orElseThrow();
    List<Metric> loss = ours.getMetricHistory(runId, "loss", 100, null).items();
    Page<Run> found = ours.searchRuns(RunQuery.builder().experimentIds(exp).build());

    assertThat(run.info().runName()).isEqualTo("official-run");
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().endTime()).isEqualTo(T0 + 100);
    assertThat(run.params()).containsEntry("alpha", "0.5").containsEntry("beta", "2");
    assertThat(run.tags()).containsEntry("team", "risk").containsEntry("stage", "eval");
    assertThat(run.metrics().get("acc")).isEqualTo(new Metric("acc", 0.9, T0, 7));
    assertThat(run.metrics().get("loss")).isEqualTo(new Metric("loss", 0.2, T0 + 4, 4));
    assertThat(loss).hasSize(5).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(found.items()).extracting(Run::runId).containsExactly(runId);
  }

  @Test
  @DisplayName(
      "a run, params, metrics and tags written through ours read back in the official client")
  void oursWritesOfficialReads() {
    String exp = ours.createExperiment("written-by-ours", null, Map.of("owner", "java"));
    RunInfo info = ours.createRun(new NewRun(exp, "our-run", T0, "alice", Map.of(), null));
    List<Metric> points = new ArrayList<>();
    for (int step = 0; step < 1000; step++) {
      points.add(new Metric("loss", step * 0.001, T0 + step, step));
    }
    ours.logBatch(
        info.runId(), points, List.of(new Param("alpha", "0.5")), List.of(new Tag("team", "risk")));
    ours.updateRun(info.runId(), RunStatus.FAILED, T0 + 5000, null);

    Service.Run run = official.getRun(info.runId());
    List<Service.Metric> history = official.getMetricHistory(info.runId(), "loss");
    Service.Experiment experiment = official.getExperimentByName("written-by-ours").orElseThrow();

    assertThat(run.getInfo().getRunName()).isEqualTo("our-run");
    assertThat(run.getInfo().getUserId()).isEqualTo("alice");
    assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FAILED);
    assertThat(run.getInfo().getEndTime()).isEqualTo(T0 + 5000);
    assertThat(run.getData().getParamsList())
        .containsExactly(Service.Param.newBuilder().setKey("alpha").setValue("0.5").build());
    assertThat(run.getData().getTagsList())
        .contains(Service.RunTag.newBuilder().setKey("team").setValue("risk").build());
    assertThat(history).hasSize(1000);
    assertThat(history.get(999).getValue()).isEqualTo(0.999);
    assertThat(history.get(999).getStep()).isEqualTo(999);
    assertThat(experiment.getExperimentId()).isEqualTo(exp);
    assertThat(experiment.getTagsList())
        .contains(Service.ExperimentTag.newBuilder().setKey("owner").setValue("java").build());
  }

  @Test
  @DisplayName("a model version registered through ours reads back in the official client")
  void registryInterop() {
    String exp = ours.createExperiment("registry-interop", null, Map.of());
    RunInfo info = ours.createRun(new NewRun(exp, "trainer", T0, "", Map.of(), null));
    ourRegistry.createRegisteredModel("fraud", "fraud scores", Map.of());
    ModelVersion v =
        ourRegistry.createModelVersion(
            "fraud",
            "runs:/" + info.runId() + "/model",
            info.artifactUri() + "/model",
            info.runId(),
            null,
            Map.of("k", "v"));

    ModelRegistry.ModelVersion read =
        official.getModelVersion("fraud", String.valueOf(v.version()));
    List<ModelRegistry.ModelVersion> latest = official.getLatestVersions("fraud");

    assertThat(read.getSource()).isEqualTo("runs:/" + info.runId() + "/model");
    assertThat(read.getRunId()).isEqualTo(info.runId());
    assertThat(read.getCurrentStage()).isEqualTo("None");
    assertThat(latest).extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("1");
    assertThat(official.getRegisteredModel("fraud").getDescription()).isEqualTo("fraud scores");
    assertThat(ourRegistry.getModelVersionDownloadUri("fraud", 1))
        .isEqualTo(info.artifactUri() + "/model");
  }
}
