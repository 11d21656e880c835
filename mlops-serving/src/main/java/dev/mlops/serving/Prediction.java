package dev.mlops.serving;

import dev.mlops.ModelVersion;
import dev.mlops.model.Tensor;
import java.util.Map;

/**
 * Outputs tagged with the model version that produced them; see {@link
 * LivePredictor#predictTagged}.
 *
 * @param version the version that ran
 * @param outputs its outputs by name
 */
public record Prediction(ModelVersion version, Map<String, Tensor> outputs) {
  public Prediction {
    outputs = Map.copyOf(outputs);
  }
}
