package dev.mlops.internal.mlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.TensorSpec;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SignatureJsonTest {

  @Test
  @DisplayName("tensor specs are written as Python's json.dumps writes MLflow's")
  void writesLikeMlflow() {
    String json =
        SignatureJson.write(
            List.of(
                TensorSpec.of("x", DataType.FLOAT32, -1, 4),
                TensorSpec.of("w\"s", DataType.STRING, -1)));
    assertThat(json)
        .isEqualTo(
            "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 4]},"
                + " \"name\": \"x\"}, {\"type\": \"tensor\", \"tensor-spec\": {\"dtype\":"
                + " \"object\", \"shape\": [-1]}, \"name\": \"w\\\"s\"}]");
    assertThat(SignatureJson.read(json))
        .containsExactly(
            TensorSpec.of("x", DataType.FLOAT32, -1, 4),
            TensorSpec.of("w\"s", DataType.STRING, -1));
  }

  @Test
  @DisplayName("numpy spellings of strings and doubles are understood")
  void numpyNames() {
    assertThat(
            SignatureJson.read(
                "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"str\", \"shape\": [2]}},"
                    + " {\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\","
                    + " \"shape\": []}, \"name\": \"d\"}]"))
        .containsExactly(
            TensorSpec.of("", DataType.STRING, 2), TensorSpec.of("d", DataType.FLOAT64));
  }

  @Test
  @DisplayName("an unknown dtype is rejected naming it")
  void unknownDtype() {
    assertThatThrownBy(
            () ->
                SignatureJson.read(
                    "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"complex64\","
                        + " \"shape\": [1]}}]"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("complex64");
  }
}
