package dev.mlops.internal.mlmodel;

import dev.mlops.InvalidInputException;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks tensors against a signature, and a signature against an ONNX graph. Every failure is an
 * {@link InvalidInputException} naming the input, what was expected and what was given.
 */
public final class SignatureCheck {

  private SignatureCheck() {}

  /**
   * Checks that {@code inputs} has exactly the signature's inputs, each of the right element type
   * and a fitting shape.
   */
  public static void checkInputs(ModelSignature signature, Map<String, Tensor> inputs) {
    if (inputs == null) {
      throw new InvalidInputException(
          "Inputs must not be null: pass one tensor per input " + signature.inputNames() + ".");
    }
    for (String name : inputs.keySet()) {
      if (signature.input(name).isEmpty()) {
        throw new InvalidInputException(
            "Unknown input '"
                + name
                + "': the model takes "
                + signature.inputNames()
                + ". Rename the tensor to one of those.");
      }
    }
    for (TensorSpec spec : signature.inputs()) {
      Tensor t = inputs.get(spec.name());
      if (t == null) {
        throw new InvalidInputException(
            "Missing input '"
                + spec.name()
                + "' ("
                + spec.type().mlflowName()
                + " "
                + spec.shapeText()
                + "): the model takes "
                + signature.inputNames()
                + " and all are required.");
      }
      checkTensor(spec, t);
    }
  }

  /** Checks one tensor against its spec. */
  public static void checkTensor(TensorSpec spec, Tensor t) {
    if (t.type() != spec.type()) {
      throw new InvalidInputException(
          "Input '"
              + spec.name()
              + "' must be "
              + spec.type().mlflowName()
              + ", but a "
              + t.type().mlflowName()
              + " tensor was given. Build it with the matching Tensor.of(...) overload.");
    }
    long[] shape = t.shape();
    if (!spec.accepts(shape)) {
      throw new InvalidInputException(
          "Input '"
              + spec.name()
              + "' must have shape "
              + spec.shapeText()
              + " (-1: any size), but shape "
              + text(shape)
              + " was given.");
    }
  }

  /**
   * Checks that a given signature describes the graph: the same input and output names, element
   * types and ranks, and no fixed dimension that contradicts the graph's.
   */
  public static void checkAgainstGraph(ModelSignature given, ModelSignature graph) {
    compare("input", given.inputs(), graph);
    compare("output", given.outputs(), graph);
  }

  private static void compare(String kind, List<TensorSpec> given, ModelSignature graph) {
    List<TensorSpec> actual = kind.equals("input") ? graph.inputs() : graph.outputs();
    List<String> actualNames = actual.stream().map(TensorSpec::name).toList();
    List<String> givenNames = given.stream().map(TensorSpec::name).toList();
    if (!actualNames.containsAll(givenNames) || !givenNames.containsAll(actualNames)) {
      throw new InvalidInputException(
          "The signature's "
              + kind
              + "s "
              + givenNames
              + " do not match the ONNX graph's "
              + actualNames
              + ". Use the graph's names, or leave the signature out to read it from the graph.");
    }
    for (TensorSpec g : given) {
      TensorSpec a =
          actual.stream().filter(s -> s.name().equals(g.name())).findFirst().orElseThrow();
      boolean dimsAgree = g.rank() == a.rank();
      for (int i = 0; dimsAgree && i < g.rank(); i++) {
        long gd = g.shape().get(i);
        long ad = a.shape().get(i);
        dimsAgree = gd < 0 || ad < 0 || gd == ad;
      }
      if (g.type() != a.type() || !dimsAgree) {
        throw new InvalidInputException(
            "Signature "
                + kind
                + " '"
                + g.name()
                + "' is "
                + g.type().mlflowName()
                + " "
                + g.shapeText()
                + ", but the ONNX graph declares "
                + a.type().mlflowName()
                + " "
                + a.shapeText()
                + ". Fix the signature or leave it out to read it from the graph.");
      }
    }
  }

  private static String text(long[] shape) {
    String s = Arrays.toString(shape);
    return "(" + s.substring(1, s.length() - 1) + (shape.length == 1 ? ",)" : ")");
  }
}
