package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.ModelVersion;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.MlModel;
import dev.mlops.model.OnnxModel;
import dev.mlops.model.Predictor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorsTest {

  @TempDir Path dir;
  private Mlops mlops;

  @BeforeEach
  void open() {
    mlops = Fixtures.open(dir);
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  @Test
  @DisplayName(
      "a model logged and registered in one call loads by alias and predicts like the reference")
  void logRegisterAliasLoad() {
    OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {1, -2, 0.5f, 3}, 0.25f);
    ModelVersion v = Fixtures.register(mlops, dir, linear, "fraud");
    mlops.registry().setAlias("fraud", "champion", v.version());

    float[][] rows = Fixtures.rows(5, 4, 1);
    try (Predictor p = Predictors.load(mlops, "models:/fraud@champion")) {
      float[][] y = p.predict(rows);
      float[] expected = linear.predict(rows);
      assertThat(y).hasNumberOfRows(5);
      for (int i = 0; i < rows.length; i++) {
        assertThat(y[i][0]).isCloseTo(expected[i], within(1e-5f));
      }
      assertThat(p.device()).isEqualTo("CPU");
    }
  }

  @Test
  @DisplayName("a runs:/ URI and a local model directory load the same model")
  void runsUriAndDirectory() {
    OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {2, 2}, -1);
    Path file = linear.writeTo(dir.resolve("m.onnx"));
    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("e")) {
      logged = run.logModel("model", OnnxModel.of(file));
    }
    float[][] rows = {{1, 2}, {3, 4}};
    try (Predictor p = Predictors.load(mlops, logged.modelUri())) {
      assertThat(p.predict(rows)[1][0]).isCloseTo(13f, within(1e-6f));
    }
    Path local = mlops.models().download(logged.modelUri());
    try (Predictor p =
        Predictors.load(local, PredictorOptions.builder().device(Device.cpu()).build())) {
      assertThat(p.predict(rows)[0][0]).isCloseTo(5f, within(1e-6f));
    }
  }

  @Test
  @DisplayName("two threads loading the same version download it once into the cache")
  void concurrentLoadsDownloadOnce() throws Exception {
    ModelVersion v =
        Fixtures.register(mlops, dir, OnnxTestModels.linear(new float[] {1}, 0), "shared");
    Callable<String> load =
        () -> {
          try (Predictor p = Predictors.load(mlops, v.modelUri())) {
            return p.device();
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> a = pool.submit(load);
      Future<String> b = pool.submit(load);
      assertThat(a.get()).isEqualTo("CPU");
      assertThat(b.get()).isEqualTo("CPU");
    } finally {
      pool.shutdown();
    }
    try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
      assertThat(files.filter(f -> f.getFileName().toString().equals(MlModel.FILE_NAME)))
          .hasSize(1);
    }
  }

  @Test
  @DisplayName("batching set in the options wraps the predictor and keeps results per caller")
  void batchingFromOptions() {
    OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {1, 1}, 0);
    ModelVersion v = Fixtures.register(mlops, dir, linear, "batched");
    PredictorOptions options = PredictorOptions.builder().batching(8, Duration.ofMillis(1)).build();
    try (Predictor p = Predictors.load(mlops, v.modelUri(), options)) {
      assertThat(p).isInstanceOf(BatchingPredictor.class);
      assertThat(p.predict(new float[][] {{1, 2}, {3, 4}})[1][0]).isEqualTo(7f);
    }
  }

  @Test
  @DisplayName("a model without an onnx flavor fails with a message naming its flavors")
  void unknownFlavor() throws Exception {
    Path model = Files.createDirectories(dir.resolve("sk"));
    Files.writeString(
        model.resolve("MLmodel"),
        "flavors:\n  sklearn:\n    pickled_model: model.pkl\n  python_function:\n"
            + "    loader_module: mlflow.sklearn\n");
    assertThatThrownBy(() -> Predictors.load(model, PredictorOptions.defaults()))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("sklearn")
        .hasMessageContaining("onnx");
  }
}
