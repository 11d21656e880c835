package dev.mlops.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  @DisplayName("a float matrix keeps its shape and values, in a direct buffer")
  void floatMatrix() {
    Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertThat(t.type()).isEqualTo(DataType.FLOAT32);
    assertThat(t.shape()).containsExactly(2, 3);
    assertThat(t.toFloatMatrix()).isEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertThat(t.bytes().isDirect()).isTrue();
    assertThat(t.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(t).hasToString("Tensor[float32 (2, 3)]");
  }

  @Test
  @DisplayName("the source array can change afterwards without changing the tensor")
  void copiesArrays() {
    long[] ids = {1, 2};
    Tensor t = Tensor.of(ids);
    ids[0] = 99;
    assertThat(t.toLongArray()).containsExactly(1, 2);
  }

  @Test
  @DisplayName("a wrapped direct buffer is used in place, not copied")
  void wrapIsZeroCopy() {
    ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(new float[] {1, 2});
    Tensor t = Tensor.wrap(DataType.FLOAT32, b, 2);
    b.asFloatBuffer().put(0, 7f);
    assertThat(t.toFloatArray()).containsExactly(7, 2);
    assertThatThrownBy(() -> Tensor.wrap(DataType.FLOAT32, b, 3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("needs 12 bytes");
  }

  @Test
  @DisplayName("a shape that does not match the data, or ragged rows, are rejected")
  void badShapes() {
    assertThatThrownBy(() -> Tensor.of(new float[] {1, 2, 3}, 2, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("needs 4 elements, but 3");
    assertThatThrownBy(() -> Tensor.of(new float[][] {{1, 2}, {3}}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Row 1");
    assertThatThrownBy(() -> Tensor.of(new String[] {"a", null}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("element 1 is null");
  }

  @Test
  @DisplayName("bool, int, string and double tensors read back as they were built")
  void otherTypes() {
    assertThat(Tensor.of(new boolean[] {true, false}).toBooleanArray())
        .containsExactly(true, false);
    assertThat(Tensor.of(new int[] {3, 4}, 2, 1).toLongArray()).containsExactly(3, 4);
    assertThat(Tensor.of(new String[] {"a", "b"}).toStringArray()).containsExactly("a", "b");
    assertThat(Tensor.of(new double[][] {{0.5}}).toFloatArray()).containsExactly(0.5f);
    assertThatThrownBy(() -> Tensor.of(new String[] {"a"}).toFloatArray())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Tensor.of(new float[] {1}).toLongArray())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("holds float32, not int64");
  }

  @Test
  @DisplayName("equal content, type and shape make equal tensors")
  void equality() {
    assertThat(Tensor.of(new float[] {1, 2}, 1, 2)).isEqualTo(Tensor.of(new float[][] {{1, 2}}));
    assertThat(Tensor.of(new float[] {1, 2})).isNotEqualTo(Tensor.of(new float[][] {{1, 2}}));
    assertThat(Tensor.of(new String[] {"x"})).isEqualTo(Tensor.of(new String[] {"x"}));
  }
}
