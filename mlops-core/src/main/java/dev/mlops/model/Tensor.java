package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable n-dimensional array to feed a {@link Predictor} or read its outputs: an element
 * {@link DataType} (float, double, int, long, bool, string, ...), a shape, and row-major data.
 *
 * <pre>{@code
 * Tensor x = Tensor.of(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}});   // float32 (2, 4)
 * Tensor ids = Tensor.of(new long[] {7, 9}, 2, 1);                     // int64 (2, 1)
 * Tensor words = Tensor.of(new String[] {"a", "b"}, 2);                // strings (2,)
 * float[][] rows = outputs.get("y").toFloatMatrix();
 * }</pre>
 *
 * <p>Numbers are held in a direct, native-order {@link ByteBuffer}: the {@code of(...)} factories
 * copy the array into one, once, and ONNX Runtime then reads it without another copy. {@link
 * #wrap(DataType, ByteBuffer, long...)} takes a direct buffer you filled yourself without copying
 * at all; do not change it afterwards. Thread-safe: nothing changes after construction.
 */
public final class Tensor {

  private final DataType type;
  private final long[] shape;
  private final @Nullable ByteBuffer data;
  private final String @Nullable [] strings;

  private Tensor(
      DataType type, long[] shape, @Nullable ByteBuffer data, String @Nullable [] strings) {
    this.type = type;
    this.shape = shape;
    this.data = data;
    this.strings = strings;
  }

  // ---- factories

  /** A float32 tensor; {@code shape} defaults to {@code (data.length,)}. */
  public static Tensor of(float[] data, long... shape) {
    long[] s = shapeFor(DataType.FLOAT32, data.length, shape);
    ByteBuffer b = allocate(data.length, 4);
    b.asFloatBuffer().put(data);
    return new Tensor(DataType.FLOAT32, s, b, null);
  }

  /** A float32 matrix of shape {@code (rows, columns)}; every row must have the same length. */
  public static Tensor of(float[][] rows) {
    int cols = columns(rows, r -> ((float[]) r).length);
    ByteBuffer b = allocate((long) rows.length * cols, 4);
    FloatBuffer f = b.asFloatBuffer();
    for (float[] row : rows) {
      f.put(row);
    }
    return new Tensor(DataType.FLOAT32, new long[] {rows.length, cols}, b, null);
  }

  /** A float64 tensor; {@code shape} defaults to {@code (data.length,)}. */
  public static Tensor of(double[] data, long... shape) {
    long[] s = shapeFor(DataType.FLOAT64, data.length, shape);
    ByteBuffer b = allocate(data.length, 8);
    b.asDoubleBuffer().put(data);
    return new Tensor(DataType.FLOAT64, s, b, null);
  }

  /** A float64 matrix of shape {@code (rows, columns)}. */
  public static Tensor of(double[][] rows) {
    int cols = columns(rows, r -> ((double[]) r).length);
    ByteBuffer b = allocate((long) rows.length * cols, 8);
    DoubleBuffer d = b.asDoubleBuffer();
    for (double[] row : rows) {
      d.put(row);
    }
    return new Tensor(DataType.FLOAT64, new long[] {rows.length, cols}, b, null);
  }

  /** An int32 tensor; {@code shape} defaults to {@code (data.length,)}. */
  public static Tensor of(int[] data, long... shape) {
    long[] s = shapeFor(DataType.INT32, data.length, shape);
    ByteBuffer b = allocate(data.length, 4);
    b.asIntBuffer().put(data);
    return new Tensor(DataType.INT32, s, b, null);
  }

  /** An int64 tensor; {@code shape} defaults to {@code (data.length,)}. */
  public static Tensor of(long[] data, long... shape) {
    long[] s = shapeFor(DataType.INT64, data.length, shape);
    ByteBuffer b = allocate(data.length, 8);
    b.asLongBuffer().put(data);
    return new Tensor(DataType.INT64, s, b, null);
  }

  /** A bool tensor (one byte per element); {@code shape} defaults to {@code (data.length,)}. */
  public static Tensor of(boolean[] data, long... shape) {
    long[] s = shapeFor(DataType.BOOL, data.length, shape);
    ByteBuffer b = allocate(data.length, 1);
    for (boolean v : data) {
      b.put((byte) (v ? 1 : 0));
    }
    b.clear();
    return new Tensor(DataType.BOOL, s, b, null);
  }

  /** A string tensor; {@code shape} defaults to {@code (data.length,)}. No element may be null. */
  public static Tensor of(String[] data, long... shape) {
    long[] s = shapeFor(DataType.STRING, data.length, shape);
    String[] copy = data.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null) {
        throw new InvalidInputException(
            "String tensor element " + i + " is null: use \"\" for an empty value.");
      }
    }
    return new Tensor(DataType.STRING, s, null, copy);
  }

  /**
   * A tensor over {@code data} without copying it: row-major elements of {@code type} in the
   * platform's native byte order, from position 0 to the limit. When {@code data} is direct, ONNX
   * Runtime reads it in place. Do not change the buffer after this call.
   *
   * @throws InvalidInputException when the buffer's size does not match the shape, or for {@link
   *     DataType#STRING}
   */
  public static Tensor wrap(DataType type, ByteBuffer data, long... shape) {
    if (type == DataType.STRING) {
      throw new InvalidInputException(
          "String tensors cannot wrap a byte buffer: use Tensor.of(String[], shape).");
    }
    long elements = elements(shape);
    ByteBuffer b = data.duplicate().order(ByteOrder.nativeOrder());
    b.position(0);
    if ((long) b.limit() != elements * type.byteSize()) {
      throw new InvalidInputException(
          "A "
              + type.mlflowName()
              + " tensor of shape "
              + Arrays.toString(shape)
              + " needs "
              + elements * type.byteSize()
              + " bytes, but the buffer holds "
              + b.limit()
              + ".");
    }
    return new Tensor(type, shape.clone(), b.slice().order(ByteOrder.nativeOrder()), null);
  }

  // ---- what it is

  /** The element type. */
  public DataType type() {
    return type;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The size of dimension {@code axis}. */
  public long dim(int axis) {
    return shape[axis];
  }

  /** The number of elements. */
  public long size() {
    return elements(shape);
  }

  // ---- data

  /**
   * The raw bytes, native order, read-only, from position 0. @throws InvalidInputException for a
   * string tensor
   */
  public ByteBuffer bytes() {
    return numeric().asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** The elements of a float32 tensor, read-only, without copying. */
  public FloatBuffer floatBuffer() {
    return view(DataType.FLOAT32).asFloatBuffer().asReadOnlyBuffer();
  }

  /** The elements of a float64 tensor, read-only, without copying. */
  public DoubleBuffer doubleBuffer() {
    return view(DataType.FLOAT64).asDoubleBuffer().asReadOnlyBuffer();
  }

  /** The elements of an int32 tensor, read-only, without copying. */
  public IntBuffer intBuffer() {
    return view(DataType.INT32).asIntBuffer().asReadOnlyBuffer();
  }

  /** The elements of an int64 tensor, read-only, without copying. */
  public LongBuffer longBuffer() {
    return view(DataType.INT64).asLongBuffer().asReadOnlyBuffer();
  }

  /** The elements as floats; float64, int and bool tensors are converted. */
  public float[] toFloatArray() {
    int n = checkedSize();
    float[] out = new float[n];
    switch (type) {
      case FLOAT32 -> numeric().asFloatBuffer().get(out);
      default -> {
        double[] d = toDoubleArray();
        for (int i = 0; i < n; i++) {
          out[i] = (float) d[i];
        }
      }
    }
    return out;
  }

  /**
   * The elements as rows: a rank-2 tensor as {@code (rows, columns)}, a rank-1 tensor as one value
   * per row, a higher rank flattened after the first dimension.
   */
  public float[][] toFloatMatrix() {
    float[] flat = toFloatArray();
    int rows = shape.length == 0 ? 1 : (int) shape[0];
    int cols = rows == 0 ? 0 : flat.length / rows;
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
    }
    return out;
  }

  /** The elements as doubles; float, int and bool tensors are converted. */
  public double[] toDoubleArray() {
    int n = checkedSize();
    double[] out = new double[n];
    ByteBuffer b = numeric();
    switch (type) {
      case FLOAT64 -> b.asDoubleBuffer().get(out);
      case FLOAT32 -> {
        FloatBuffer f = b.asFloatBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = f.get(i);
        }
      }
      case INT32 -> {
        IntBuffer v = b.asIntBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = v.get(i);
        }
      }
      case INT64 -> {
        LongBuffer v = b.asLongBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = v.get(i);
        }
      }
      case INT8, BOOL -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i);
        }
      }
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.get(i) & 0xff;
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.getShort(i * 2);
        }
      }
      default ->
          throw new InvalidInputException(
              "A " + type.mlflowName() + " tensor cannot be read as numbers here: read bytes().");
    }
    return out;
  }

  /** The elements of an int32 tensor. */
  public int[] toIntArray() {
    int[] out = new int[checkedSize()];
    view(DataType.INT32).asIntBuffer().get(out);
    return out;
  }

  /** The elements of an int64 tensor (int32 tensors are widened). */
  public long[] toLongArray() {
    int n = checkedSize();
    long[] out = new long[n];
    if (type == DataType.INT32) {
      IntBuffer v = numeric().asIntBuffer();
      for (int i = 0; i < n; i++) {
        out[i] = v.get(i);
      }
      return out;
    }
    view(DataType.INT64).asLongBuffer().get(out);
    return out;
  }

  /** The elements of a bool tensor. */
  public boolean[] toBooleanArray() {
    ByteBuffer b = view(DataType.BOOL);
    boolean[] out = new boolean[checkedSize()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i) != 0;
    }
    return out;
  }

  /** The elements of a string tensor (a copy). */
  public String[] toStringArray() {
    if (strings == null) {
      throw wrongType(DataType.STRING);
    }
    return strings.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Tensor t) || t.type != type || !Arrays.equals(t.shape, shape)) {
      return false;
    }
    if (strings != null) {
      return Arrays.equals(strings, t.strings);
    }
    return Objects.equals(numeric(), t.numeric());
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(shape))
        + (strings != null ? Arrays.hashCode(strings) : numeric().hashCode());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor[").append(type.mlflowName()).append(" (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)]" : ")]").toString();
  }

  // ---- helpers

  private ByteBuffer numeric() {
    if (data == null) {
      throw new InvalidInputException(
          "A string tensor has no numeric data: read it with toStringArray().");
    }
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  private ByteBuffer view(DataType expected) {
    if (type != expected) {
      throw wrongType(expected);
    }
    return numeric();
  }

  private InvalidInputException wrongType(DataType expected) {
    return new InvalidInputException(
        "This tensor holds "
            + type.mlflowName()
            + ", not "
            + expected.mlflowName()
            + ": use the accessor for its type (type() says which).");
  }

  private int checkedSize() {
    long n = size();
    if (n > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          "Tensor of " + n + " elements is too large for a Java array: read it as a buffer.");
    }
    return (int) n;
  }

  private static ByteBuffer allocate(long elements, int bytes) {
    long total = elements * bytes;
    if (total > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          "Tensor of " + elements + " elements is too large (over 2 GiB): split the batch.");
    }
    return ByteBuffer.allocateDirect((int) total).order(ByteOrder.nativeOrder());
  }

  private static long[] shapeFor(DataType type, int length, long[] shape) {
    if (shape.length == 0) {
      return new long[] {length};
    }
    if (elements(shape) != length) {
      throw new InvalidInputException(
          "A "
              + type.mlflowName()
              + " tensor of shape "
              + Arrays.toString(shape)
              + " needs "
              + elements(shape)
              + " elements, but "
              + length
              + " were given.");
    }
    return shape.clone();
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException(
            "Tensor shape " + Arrays.toString(shape) + " has a negative dimension: give sizes.");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private interface Length {
    int of(Object row);
  }

  private static int columns(Object[] rows, Length length) {
    if (rows.length == 0) {
      return 0;
    }
    int cols = length.of(rows[0]);
    for (int i = 1; i < rows.length; i++) {
      if (length.of(rows[i]) != cols) {
        throw new InvalidInputException(
            "Row "
                + i
                + " has "
                + length.of(rows[i])
                + " values but row 0 has "
                + cols
                + ": every row must have the same length.");
      }
    }
    return cols;
  }
}
