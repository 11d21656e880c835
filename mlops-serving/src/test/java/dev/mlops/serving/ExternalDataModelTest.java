package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.OnnxModel;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX models whose weights are in external data files: logged, downloaded through the model cache
 * and loaded by ONNX Runtime from the copies beside {@code model.onnx}.
 */
class ExternalDataModelTest {

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
      "a model with its weights in a subdirectory loads by runs:/ URI after the export is deleted,"
          + " and predicts like the reference")
  void runsUri() throws Exception {
    OnnxTestModels.Linear linear = OnnxTestModels.linear(new float[] {1, -2, 0.5f, 3}, 0.25f);
    Path export = dir.resolve("export");
    Path file =
        linear.withExternalData("weights/linear.bin").writeTo(export.resolve("linear.onnx"));
    LoggedModel logged;
    try (ActiveRun run = mlops.tracking().startRun("external-data")) {
      logged = run.logModel("model", OnnxModel.of(file));
    }
    deleteTree(export); // only the logged copies are left to load from

    float[][] rows = Fixtures.rows(6, 4, 7);
    try (Predictor p = Predictors.load(mlops, "runs:/" + logged.runId() + "/model")) {
      float[][] y = p.predict(rows);
      float[] expected = linear.predict(rows);
      assertThat(y).hasNumberOfRows(rows.length);
      for (int i = 0; i < rows.length; i++) {
        assertThat(y[i][0]).isCloseTo(expected[i], within(1e-5f));
      }
    }
    Path cached = mlops.models().download(logged.modelUri());
    assertThat(cached.resolve("weights/linear.bin")).hasSize(4L * (4 + 1));
  }

  @Test
  @DisplayName(
      "a registered two-input model with all weights in one data file loads by alias and predicts"
          + " like the reference")
  void registeredAlias() throws Exception {
    OnnxTestModels.Mlp mlp = OnnxTestModels.mlp(11);
    Path export = dir.resolve("export");
    Path file = mlp.withExternalData("mlp.onnx.data").writeTo(export.resolve("mlp.onnx"));
    ModelVersion v;
    try (ActiveRun run = mlops.tracking().startRun("external-data")) {
      v = run.logModel("model", OnnxModel.of(file), "ranker").modelVersion().orElseThrow();
    }
    mlops.registry().setAlias("ranker", "champion", v.version());
    deleteTree(export);

    float[][] user = Fixtures.rows(5, OnnxTestModels.Mlp.USER, 3);
    float[][] item = Fixtures.rows(5, OnnxTestModels.Mlp.ITEM, 4);
    float[][] expected = mlp.predict(user, item);
    try (Predictor p = Predictors.load(mlops, "models:/ranker@champion")) {
      float[][] scores =
          p.predict(Map.of("user_features", Tensor.of(user), "item_features", Tensor.of(item)))
              .get("scores")
              .toFloatMatrix();
      for (int i = 0; i < expected.length; i++) {
        for (int k = 0; k < OnnxTestModels.Mlp.OUT; k++) {
          assertThat(scores[i][k]).isCloseTo(expected[i][k], within(1e-4f));
        }
      }
    }
    Path cached = mlops.models().download("models:/ranker/" + v.version());
    assertThat(Files.size(cached.resolve("mlp.onnx.data"))).isEqualTo(4L * (5 * 8 + 8 + 8 * 2 + 2));
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
