package dev.mlops.examples;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.OnnxModel;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.serving.LivePredictor;
import dev.mlops.serving.LoggingMetrics;
import dev.mlops.serving.Prediction;
import dev.mlops.serving.PredictorOptions;
import dev.mlops.serving.Predictors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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

  /** The serving README block: log an ONNX model and register it in one call. */
  static void logOnnxModel(Path onnxFile) {
    // readme:begin
    try (Mlops mlops = Mlops.open();
        ActiveRun run = mlops.tracking().startRun("fraud-model")) {
      // MLmodel with the onnx flavor and the graph's signature, registered as a new version
      LoggedModel logged = run.logModel("model", OnnxModel.of(onnxFile), "fraud-onnx");
      ModelVersion v = logged.modelVersion().orElseThrow();
      mlops.registry().setAlias("fraud-onnx", "champion", v.version());
    }
    // readme:end
  }

  /** The serving README block: load the champion and predict. */
  static void serveChampion() {
    // readme:begin
    try (Mlops mlops = Mlops.open();
        Predictor predictor = Predictors.load(mlops, "models:/fraud-onnx@champion")) {
      float[][] scores = predictor.predict(new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}});
      System.out.println(predictor.device() + " scored " + scores[0][0]); // CUDA:0 or CPU
    }
    // readme:end
  }

  /** The serving README block: follow the alias with batching. */
  static void followChampion() {
    // readme:begin
    PredictorOptions options =
        PredictorOptions.builder().batching(64, Duration.ofMillis(2)).build();
    try (Mlops mlops = Mlops.open();
        LivePredictor live =
            LivePredictor.follow(mlops, "models:/fraud-onnx@champion")
                .options(options)
                .pollInterval(Duration.ofSeconds(30))
                .listener(e -> System.out.println("now serving " + e.to().modelUri()))
                .start()) {
      Tensor x = Tensor.of(new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}});
      Prediction p = live.predictTagged(Map.of("x", x));
      System.out.println("version " + p.version().version() + ": " + p.outputs().get("y"));
    }
    // readme:end
  }

  /** The logging README block: the logging engine's health as Micrometer meters. */
  static void loggingMeters(MeterRegistry registry) {
    // readme:begin
    try (Mlops mlops = Mlops.open()) {
      new LoggingMetrics(mlops, Tags.of("job", "training")).bindTo(registry);
      try (ActiveRun run = mlops.tracking().startRun("fraud-model")) {
        run.logMetric("loss", 0.25, 0);
      }
      double sent = registry.get("mlops.logging.points.sent").functionCounter().count();
      System.out.println(sent + " points sent");
    }
    // readme:end
  }
}
