package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.util.Map;

/**
 * A loaded model that turns input tensors into output tensors. Get one from {@code
 * dev.mlops.serving.Predictors.load(mlops, "models:/fraud@champion")} (module {@code
 * mlops-serving}); backends add their own through {@link dev.mlops.spi.PredictorFactory}.
 *
 * <pre>{@code
 * try (Predictor p = Predictors.load(mlops, "models:/fraud@champion")) {
 *   float[][] scores = p.predict(new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}});
 *   Map<String, Tensor> out = p.predict(Map.of("x", Tensor.of(rows)));
 * }
 * }</pre>
 *
 * <p>Inputs are checked against {@link #signature()} before the model runs: a missing or unknown
 * name, a wrong element type or a shape that does not fit gives an {@link InvalidInputException}
 * naming the input. Thread-safe: many threads may predict at once. {@link #close()} releases native
 * memory; predicting afterwards fails.
 */
public interface Predictor extends AutoCloseable {

  /** What the model takes and returns. */
  ModelSignature signature();

  /**
   * Runs the model.
   *
   * @param inputs one tensor per input name of {@link #signature()}
   * @return one tensor per output, in signature order
   * @throws InvalidInputException when an input is missing, unknown, or of the wrong type or shape
   */
  Map<String, Tensor> predict(Map<String, Tensor> inputs);

  /**
   * Runs a model with one float32 input of rank 2 on {@code rows}, returning its first output as
   * rows.
   *
   * @throws InvalidInputException when the model does not have exactly one float32 input
   */
  default float[][] predict(float[][] rows) {
    ModelSignature sig = signature();
    if (sig.inputs().size() != 1 || sig.inputs().get(0).type() != DataType.FLOAT32) {
      throw new InvalidInputException(
          "predict(float[][]) needs a model with exactly one float32 input, but this one takes "
              + sig.inputs()
              + ". Call predict(Map.of(name, Tensor.of(...))) with a tensor per input.");
    }
    Map<String, Tensor> out = predict(Map.of(sig.inputs().get(0).name(), Tensor.of(rows)));
    return out.get(sig.outputs().get(0).name()).toFloatMatrix();
  }

  /** Where the model runs, e.g. {@code CPU} or {@code CUDA:0}. */
  String device();

  /** Releases the model and its native memory. Idempotent. */
  @Override
  void close();
}
