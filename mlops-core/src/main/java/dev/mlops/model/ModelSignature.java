package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a model takes and returns: its input and output tensors, in order. Stored in {@code MLmodel}
 * under {@code signature} in MLflow's format, so Python MLflow checks inputs against it too.
 *
 * <pre>{@code
 * ModelSignature sig = ModelSignature.of(
 *     List.of(TensorSpec.of("x", DataType.FLOAT32, -1, 4)),
 *     List.of(TensorSpec.of("y", DataType.FLOAT32, -1, 1)));
 * }</pre>
 *
 * @param inputs input tensors, in the model's order
 * @param outputs output tensors, in the model's order
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {

  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    requireDistinct("input", inputs);
    requireDistinct("output", outputs);
  }

  /** A signature from its inputs and outputs. */
  public static ModelSignature of(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    return new ModelSignature(inputs, outputs);
  }

  /** The input called {@code name}. */
  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The output called {@code name}. */
  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The input names, in order. */
  public List<String> inputNames() {
    return inputs.stream().map(TensorSpec::name).toList();
  }

  /** The output names, in order. */
  public List<String> outputNames() {
    return outputs.stream().map(TensorSpec::name).toList();
  }

  private static void requireDistinct(String kind, List<TensorSpec> specs) {
    Set<String> seen = new HashSet<>();
    for (TensorSpec s : specs) {
      if (!seen.add(s.name())) {
        throw new InvalidInputException(
            "Signature has two "
                + kind
                + "s named '"
                + s.name()
                + "': every "
                + kind
                + " needs its own name.");
      }
    }
  }
}
