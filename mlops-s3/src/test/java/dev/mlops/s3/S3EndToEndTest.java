package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.ActiveRun;
import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.Mlops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("S3 artifacts of runs on the embedded store")
class S3EndToEndTest {

  private static S3ProxyServer server;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    server.createBucket("mlflow-artifacts");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  private Mlops open() {
    Mlops.Builder b =
        Mlops.builder()
            .trackingUri("sqlite:///" + tmp.resolve("mlflow.db").toAbsolutePath())
            .workingDirectory(tmp)
            .environment(Map.of());
    server.settings().forEach(b::setting);
    b.setting("MLOPS_S3_PART_SIZE", "5MiB");
    return b.build();
  }

  @Test
  @DisplayName(
      "a run logged on the embedded store with an s3:// artifact location stores and reads its"
          + " artifacts there")
  void runArtifactsInS3() throws IOException {
    byte[] weights = new byte[12 * 1024 * 1024];
    new Random(5).nextBytes(weights);
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.write(model.resolve("weights.bin"), weights);
    Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
    Path report = Files.writeString(tmp.resolve("report.html"), "<h1>ok</h1>");
    String runId;
    try (Mlops mlops = open()) {
      mlops
          .tracking()
          .createExperiment("fraud", "s3://mlflow-artifacts/experiments/fraud", Map.of());
      try (ActiveRun run = mlops.tracking().startRun("fraud")) {
        runId = run.runId();
        assertThat(run.artifactUri())
            .isEqualTo("s3://mlflow-artifacts/experiments/fraud/" + runId + "/artifacts");
        run.logArtifact(report);
        run.logArtifacts(model, "model");
        run.logText("alpha=0.5", "notes/params.txt");
      }
    }

    String prefix = "experiments/fraud/" + runId + "/artifacts/";
    assertThat(
            server
                .admin()
                .listObjectsV2(b -> b.bucket("mlflow-artifacts").prefix(prefix))
                .contents())
        .extracting(o -> o.key().substring(prefix.length()))
        .containsExactlyInAnyOrder(
            "report.html", "model/weights.bin", "model/MLmodel", "notes/params.txt");

    try (Mlops mlops = open()) {
      assertThat(mlops.artifacts().list("runs:/" + runId + "/"))
          .containsExactly(
              new FileInfo("model", true, -1),
              new FileInfo("notes", true, -1),
              new FileInfo("report.html", false, 11));
      assertThat(mlops.artifacts().list("runs:/" + runId + "/model"))
          .containsExactly(
              new FileInfo("model/MLmodel", false, 12),
              new FileInfo("model/weights.bin", false, weights.length));

      Path got = mlops.artifacts().download("runs:/" + runId + "/model", tmp.resolve("out"));
      assertThat(got.resolve("weights.bin")).hasBinaryContent(weights);
      assertThat(got.resolve("MLmodel")).hasContent("flavors: {}");

      try (ArtifactStore store = mlops.artifacts().forRun(runId)) {
        assertThat(store).isInstanceOf(S3ArtifactStore.class);
        assertThat(store.rootUri())
            .isEqualTo("s3://mlflow-artifacts/experiments/fraud/" + runId + "/artifacts");
        try (var in = store.open("notes/params.txt")) {
          assertThat(new String(in.readAllBytes())).isEqualTo("alpha=0.5");
        }
      }
      assertThat(
              mlops
                  .artifacts()
                  .download(
                      "s3://mlflow-artifacts/experiments/fraud/" + runId + "/artifacts/report.html",
                      tmp.resolve("direct")))
          .hasContent("<h1>ok</h1>");
    }
  }
}
