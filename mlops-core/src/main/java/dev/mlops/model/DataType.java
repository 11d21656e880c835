package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.util.Locale;

/**
 * The element type of a tensor, with its name in MLflow signatures (numpy's dtype names) and its
 * ONNX {@code TensorProto.DataType} number.
 */
public enum DataType {
  FLOAT32("float32", 1, 4),
  FLOAT64("float64", 11, 8),
  FLOAT16("float16", 10, 2),
  BFLOAT16("bfloat16", 16, 2),
  INT8("int8", 3, 1),
  INT16("int16", 5, 2),
  INT32("int32", 6, 4),
  INT64("int64", 7, 8),
  UINT8("uint8", 2, 1),
  UINT16("uint16", 4, 2),
  UINT32("uint32", 12, 4),
  UINT64("uint64", 13, 8),
  BOOL("bool", 9, 1),
  /** UTF-8 strings; numpy calls them {@code object} (or {@code str}). */
  STRING("object", 8, 0);

  private final String mlflowName;
  private final int onnxType;
  private final int byteSize;

  DataType(String mlflowName, int onnxType, int byteSize) {
    this.mlflowName = mlflowName;
    this.onnxType = onnxType;
    this.byteSize = byteSize;
  }

  /** The dtype MLflow writes in a tensor spec, e.g. {@code float32}. */
  public String mlflowName() {
    return mlflowName;
  }

  /** The ONNX {@code TensorProto.DataType} number, e.g. 1 for FLOAT. */
  public int onnxType() {
    return onnxType;
  }

  /** Bytes per element; 0 for {@link #STRING}. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * The type for an MLflow/numpy dtype name: {@code float32}, {@code float64}, {@code int64},
   * {@code bool}, {@code object}, {@code str}, ... Byte-order prefixes ({@code <f4} style) are not
   * numpy names MLflow writes and are rejected.
   *
   * @throws InvalidInputException for a name that is not a tensor dtype
   */
  public static DataType fromMlflow(String dtype) {
    String d = dtype.trim().toLowerCase(Locale.ROOT);
    switch (d) {
      case "object", "str", "string", "bytes", "<u0", "|s0" -> {
        return STRING;
      }
      case "float" -> {
        return FLOAT64;
      }
      case "double" -> {
        return FLOAT64;
      }
      default -> {
        for (DataType t : values()) {
          if (t.mlflowName.equals(d)) {
            return t;
          }
        }
        throw new InvalidInputException(
            "Tensor dtype '"
                + dtype
                + "' is not supported. Use one of float32, float64, float16, int8, int16, int32,"
                + " int64, uint8, uint16, uint32, uint64, bool, object (strings).");
      }
    }
  }

  /**
   * The type for an ONNX element type number.
   *
   * @throws InvalidInputException for a number that is not a supported tensor element type
   */
  public static DataType fromOnnx(int onnxType) {
    for (DataType t : values()) {
      if (t.onnxType == onnxType) {
        return t;
      }
    }
    throw new InvalidInputException(
        "ONNX element type "
            + onnxType
            + " is not supported (complex and 8-bit float types are not). Export the model with"
            + " float, double, integer, bool or string inputs and outputs.");
  }
}
