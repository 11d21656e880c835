package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * One named tensor a model takes or returns: its element type and shape, where {@code -1} marks a
 * dimension of any size (typically the batch dimension). Written to {@code MLmodel} as MLflow's
 * {@code {"type": "tensor", "tensor-spec": {"dtype": ..., "shape": [...]}, "name": ...}}.
 *
 * @param name the tensor's name; empty for an unnamed tensor (MLflow allows one unnamed input)
 * @param type the element type
 * @param shape dimensions, {@code -1} for a variable one
 */
public record TensorSpec(String name, DataType type, List<Long> shape) {

  public TensorSpec {
    if (name == null || type == null || shape == null) {
      throw new InvalidInputException(
          "A tensor spec needs a name (\"\" for none), a type and a shape, got name="
              + name
              + ", type="
              + type
              + ", shape="
              + shape);
    }
    shape = List.copyOf(shape);
    for (Long d : shape) {
      if (d < -1) {
        throw new InvalidInputException(
            "Tensor '"
                + name
                + "' has dimension "
                + d
                + " in shape "
                + shape
                + ": use -1 for a"
                + " variable dimension and 0 or more for a fixed one.");
      }
    }
  }

  /** A spec from a {@code long...} shape, e.g. {@code TensorSpec.of("x", FLOAT32, -1, 4)}. */
  public static TensorSpec of(String name, DataType type, long... shape) {
    List<Long> dims = new ArrayList<>(shape.length);
    for (long d : shape) {
      dims.add(d);
    }
    return new TensorSpec(name, type, dims);
  }

  /** The shape as an array. */
  public long[] dims() {
    long[] out = new long[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.get(i);
    }
    return out;
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.size();
  }

  /** Whether {@code dims} fits this shape: same rank, and equal wherever this one is fixed. */
  public boolean accepts(long[] dims) {
    if (dims.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      long expected = shape.get(i);
      if (expected >= 0 && expected != dims[i]) {
        return false;
      }
    }
    return true;
  }

  /** The shape written as numpy would, e.g. {@code (-1, 4)}. */
  public String shapeText() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(shape.get(i));
    }
    return sb.append(shape.size() == 1 ? ",)" : ")").toString();
  }

  @Override
  public String toString() {
    return (name.isEmpty() ? "<unnamed>" : name) + ": " + type.mlflowName() + " " + shapeText();
  }
}
