package dev.mlops.serving;

import dev.mlops.ActiveRun;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.OnnxModel;
import dev.mlops.testkit.onnx.OnnxTestModels.TestModel;
import java.nio.file.Path;

/** Opens an embedded store in a temp dir and logs test models to it. */
final class Fixtures {

  private Fixtures() {}

  static Mlops open(Path dir) {
    return Mlops.builder()
        .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .build();
  }

  /** Writes {@code model}, logs it to a new run and registers it as a version of {@code name}. */
  static ModelVersion register(Mlops mlops, Path dir, TestModel model, String name) {
    Path file = model.writeTo(dir.resolve("models").resolve(System.nanoTime() + ".onnx"));
    try (ActiveRun run = mlops.tracking().startRun("serving-tests")) {
      LoggedModel logged = run.logModel("model", OnnxModel.of(file), name);
      return logged.modelVersion().orElseThrow();
    }
  }

  static float[][] rows(int n, int cols, long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[][] out = new float[n][cols];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = (float) r.nextGaussian();
      }
    }
    return out;
  }
}
