package dev.mlops.spi;

import dev.mlops.model.MlModel;
import dev.mlops.model.Predictor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Makes a {@link Predictor} for a downloaded model whose {@code MLmodel} has one of the flavors it
 * names ({@code onnx}, ...). Registered in {@code
 * META-INF/services/dev.mlops.spi.PredictorFactory}; {@code dev.mlops.serving.Predictors} picks one
 * by the model's flavors.
 */
public interface PredictorFactory {

  /** Flavor names it loads, e.g. {@code onnx}. */
  Set<String> flavors();

  /** Higher wins when two factories load one flavor; the default is 0. */
  default int priority() {
    return 0;
  }

  /**
   * Loads the model in {@code modelDir}.
   *
   * @param modelDir the model directory, holding {@code MLmodel}
   * @param mlModel its parsed {@code MLmodel}
   * @param options settings by name (e.g. {@code device=cuda:0}); a factory ignores names it does
   *     not know
   */
  Predictor create(Path modelDir, MlModel mlModel, Map<String, String> options);
}
