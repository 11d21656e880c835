package dev.mlops.examples;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.ResolvedModel;
import dev.mlops.Run;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The quickstart: on the embedded default store ({@code ./mlflow.db}, artifacts in {@code
 * ./mlruns}), log a run with params, 1,000 metric points and artifacts, register the model it
 * produced, point the {@code champion} alias at it, and load it back by {@code
 * models:/quickstart@champion}.
 *
 * <p>Run it from the repository root with {@code ./mvnw -q -Pquickstart -DskipTests package}.
 */
public final class Quickstart {

  private Quickstart() {}

  public static void main(String[] args) throws IOException {
    try (Mlops mlops = Mlops.open()) {
      run(mlops, System.out);
    }
  }

  /** What the quickstart did, for the caller to check. */
  public record Result(String runId, ModelVersion version, Path localModel) {}

  public static Result run(Mlops mlops, PrintStream out) throws IOException {
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("quickstart")) {
      run.logParam("learning_rate", 0.01);
      run.logParam("epochs", 1000);
      for (int step = 0; step < 1000; step++) {
        run.logMetric("loss", Math.exp(-step / 250.0), step); // returns at once; written in batches
      }
      run.setTag("team", "quickstart");
      Path model = writeToyModel();
      run.logArtifacts(model, "model");
      run.logText("Trained by the mlops-java quickstart.\n", "notes/README.txt");
      runId = run.runId();
    } // flushes every point, then ends the run FINISHED

    Run stored = mlops.tracking().getRun(runId).orElseThrow();
    out.printf(
        "Logged run %s in experiment '%s': %d params, latest loss %.4f at step %d, %d loss points%n",
        runId,
        "quickstart",
        stored.params().size(),
        stored.metrics().get("loss").value(),
        stored.metrics().get("loss").step(),
        mlops.tracking().getMetricHistory(runId, "loss").size());

    ModelVersion version =
        mlops.registry().registerModel("runs:/" + runId + "/model", "quickstart");
    mlops.registry().setAlias("quickstart", "champion", version.version());
    out.printf("Registered %s and set alias 'champion'%n", version.modelUri());

    ResolvedModel champion = mlops.models().resolve("models:/quickstart@champion");
    Path local = mlops.models().download("models:/quickstart@champion");
    out.printf(
        "models:/quickstart@champion -> version %d, stored at %s, downloaded to %s%n",
        champion.modelVersion().orElseThrow().version(), champion.artifactUri(), local);
    out.printf("Tracking store: %s%n", mlops.config().trackingUri());
    return new Result(runId, version, local);
  }

  private static Path writeToyModel() throws IOException {
    Path dir = Files.createTempDirectory("quickstart-model");
    Files.writeString(
        dir.resolve("weights.json"),
        "{\"w\": [0.5, -1.25, 2.0], \"b\": 0.1}\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("MLmodel"), "flavors: {}\n", StandardCharsets.UTF_8);
    dir.toFile().deleteOnExit();
    return dir;
  }
}
