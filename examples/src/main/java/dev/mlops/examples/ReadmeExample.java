package dev.mlops.examples;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import java.nio.file.Path;

/**
 * The code shown in README.md. {@code ReadmeTest} checks that every Java block of the README is one
 * of the regions between {@code readme:begin} and {@code readme:end} here, and runs them, so the
 * README cannot drift from code that compiles and works.
 */
public final class ReadmeExample {

  private ReadmeExample() {}

  /** The first README block: log a run, register its model, set the champion alias. */
  static void trackAndRegister(Path modelDir) {
    // readme:begin
    try (Mlops mlops = Mlops.open()) { // MLOPS_/MLFLOW_TRACKING_URI, else sqlite:///mlflow.db
      String runId;
      // the experiment is created if missing
      try (ActiveRun run = mlops.tracking().startRun("fraud-model")) {
        run.logParam("alpha", 0.5);
        for (int epoch = 0; epoch < 100; epoch++) {
          run.logMetric("loss", 1.0 / (epoch + 1), epoch); // non-blocking, batched
        }
        run.setTag("team", "risk");
        run.logArtifacts(modelDir, "model"); // copied under the run's artifacts
        runId = run.runId();
      } // flushes every point, then ends the run FINISHED
      ModelVersion v = mlops.registry().registerModel("runs:/" + runId + "/model", "fraud");
      mlops.registry().setAlias("fraud", "champion", v.version());
      System.out.println("Registered " + v.modelUri() + " as fraud@champion");
    }
    // readme:end
  }

  /** The second README block: what a service does to get the current model. */
  static void loadChampion() {
    // readme:begin
    try (Mlops mlops = Mlops.open()) {
      ModelVersion champion = mlops.registry().getModelVersionByAlias("fraud", "champion");
      Path modelDir = mlops.models().download("models:/fraud@champion"); // cached, atomic
      System.out.println("Serving " + champion.modelUri() + " from " + modelDir);
    }
    // readme:end
  }
}
