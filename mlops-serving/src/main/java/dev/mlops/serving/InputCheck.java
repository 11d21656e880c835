package dev.mlops.serving;

import dev.mlops.internal.mlmodel.SignatureCheck;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.util.List;
import java.util.Map;

/**
 * The per-call input check of the predictors, with the same outcome as {@link
 * SignatureCheck#checkInputs}: when the request has exactly one tensor per declared input, each is
 * checked against its spec directly; anything else (a missing, unknown or null input) goes to
 * {@code checkInputs}, which says what is wrong.
 */
final class InputCheck {

  private InputCheck() {}

  static void check(ModelSignature signature, Map<String, Tensor> inputs) {
    List<TensorSpec> specs = signature.inputs();
    if (inputs == null || inputs.size() != specs.size()) {
      SignatureCheck.checkInputs(signature, inputs);
      return;
    }
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      Tensor t = inputs.get(spec.name());
      if (t == null) {
        SignatureCheck.checkInputs(signature, inputs);
        return;
      }
      SignatureCheck.checkTensor(spec, t);
    }
  }
}
