package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.model.MlModel;
import dev.mlops.model.Predictor;
import dev.mlops.spi.PredictorFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Loads models with the {@code onnx} flavor with ONNX Runtime: the file named by the flavor's
 * {@code data} (MLflow writes {@code model.onnx}). Settings are those of {@link
 * PredictorOptions#toSettings()}. Registered in {@code META-INF/services}.
 */
public final class OnnxPredictorFactory implements PredictorFactory {

  @Override
  public Set<String> flavors() {
    return Set.of("onnx");
  }

  @Override
  public Predictor create(Path modelDir, MlModel mlModel, Map<String, String> options) {
    Map<String, Object> flavor =
        mlModel
            .flavor("onnx")
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "Model at '" + modelDir + "' has no onnx flavor in its MLmodel file."));
    Object data = flavor.get("data");
    String file = data == null ? "model.onnx" : data.toString();
    Path onnx = modelDir.resolve(file).normalize();
    if (!onnx.startsWith(modelDir.normalize())) {
      throw new InvalidInputException(
          "The onnx flavor of '" + modelDir + "' points outside the model directory: " + file);
    }
    return OnnxPredictor.open(onnx, PredictorOptions.fromSettings(options));
  }
}
