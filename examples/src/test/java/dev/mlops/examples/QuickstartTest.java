package dev.mlops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.Run;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

  @Test
  @DisplayName(
      "the quickstart logs 1,000 points and an artifact, registers and resolves the champion")
  void quickstartDoesWhatItSays(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (Mlops mlops = ReadmeTest.open(dir)) {
      Quickstart.Result result =
          Quickstart.run(mlops, new PrintStream(buf, true, StandardCharsets.UTF_8));

      Run run = mlops.tracking().getRun(result.runId()).orElseThrow();
      assertThat(run.params()).containsEntry("epochs", "1000");
      assertThat(mlops.tracking().getMetricHistory(result.runId(), "loss")).hasSize(1000);
      assertThat(run.metrics().get("loss").step()).isEqualTo(999);
      assertThat(mlops.registry().getModelVersionByAlias("quickstart", "champion").version())
          .isEqualTo(result.version().version());
      assertThat(result.localModel().resolve("weights.json")).exists();
      assertThat(Files.readString(result.localModel().resolve("weights.json"))).contains("\"w\"");
    }
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .contains("1000 loss points")
        .contains("models:/quickstart@champion -> version 1");
  }

  @Test
  @DisplayName("running the quickstart twice on one store adds a second version")
  void quickstartTwice(@TempDir Path dir) throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Mlops mlops = ReadmeTest.open(dir)) {
      Quickstart.run(mlops, quiet);
      Quickstart.Result second = Quickstart.run(mlops, quiet);
      assertThat(second.version().version()).isEqualTo(2);
      assertThat(
              mlops
                  .models()
                  .resolve("models:/quickstart@champion")
                  .modelVersion()
                  .orElseThrow()
                  .version())
          .isEqualTo(2);
    }
  }
}
