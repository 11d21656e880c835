package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.mlmodel.SignatureCheck;
import dev.mlops.model.DataType;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InputCheckTest {

  private static final ModelSignature SIGNATURE =
      new ModelSignature(
          List.of(
              TensorSpec.of("user", DataType.FLOAT32, -1, 3),
              TensorSpec.of("item", DataType.FLOAT32, -1, 2)),
          List.of(TensorSpec.of("scores", DataType.FLOAT32, -1, 2)));

  private static final Tensor USER = Tensor.of(new float[][] {{1, 2, 3}});
  private static final Tensor ITEM = Tensor.of(new float[][] {{4, 5}});

  @Test
  @DisplayName("a request with one fitting tensor per input passes")
  void validPasses() {
    assertThatCode(() -> InputCheck.check(SIGNATURE, Map.of("user", USER, "item", ITEM)))
        .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("every bad request fails with the same message as SignatureCheck.checkInputs")
  void sameMessagesAsSignatureCheck() {
    List<Map<String, Tensor>> bad =
        List.of(
            Map.of("user", USER),
            Map.of("user", USER, "other", ITEM),
            Map.of("user", USER, "item", ITEM, "other", ITEM),
            Map.of("user", ITEM, "item", ITEM),
            Map.of("user", USER, "item", Tensor.of(new double[] {4, 5}, 1, 2)));
    for (Map<String, Tensor> inputs : bad) {
      String expected = messageOf(() -> SignatureCheck.checkInputs(SIGNATURE, inputs));
      assertThatThrownBy(() -> InputCheck.check(SIGNATURE, inputs))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(expected);
    }
  }

  private static String messageOf(Runnable check) {
    try {
      check.run();
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("SignatureCheck accepted a request the test calls bad");
  }
}
