package dev.mlops.serving;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.mlops.InvalidInputException;
import dev.mlops.model.DataType;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converts between {@link Tensor} and ONNX Runtime's {@link OnnxTensor}. Numeric tensors go in
 * without a copy (a {@link Tensor} keeps its data in a direct, native-order buffer, which ONNX
 * Runtime reads in place); outputs are copied out once, so no native memory outlives the call.
 */
final class OrtTensors {

  private OrtTensors() {}

  /** A new native tensor over {@code t}'s data; the caller closes it. */
  static OnnxTensor toOnnx(OrtEnvironment env, Tensor t) throws OrtException {
    OnnxTensor out;
    if (t.type() == DataType.STRING) {
      out = OnnxTensor.createTensor(env, t.toStringArray(), t.shape());
    } else {
      // A direct buffer (read-only views included) is read in place, not copied.
      out = OnnxTensor.createTensor(env, t.bytes(), t.shape(), javaType(t.type()));
    }
    NativeResources.TENSORS.incrementAndGet();
    return out;
  }

  /** Closes a tensor made by {@link #toOnnx}. */
  static void close(OnnxTensor t) {
    t.close();
    NativeResources.TENSORS.decrementAndGet();
  }

  /** Copies an output into a {@link Tensor}; null for a value that is not a tensor. */
  static @Nullable Tensor fromOnnx(OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor t)) {
      return null;
    }
    TensorInfo info = t.getInfo();
    DataType type = dataType(info.onnxType);
    if (type == null) {
      return null;
    }
    long[] shape = info.getShape();
    if (type == DataType.STRING) {
      List<String> flat = new ArrayList<>();
      flatten(t.getValue(), flat);
      return Tensor.of(flat.toArray(String[]::new), shape);
    }
    return Tensor.wrap(type, t.getByteBuffer(), shape);
  }

  /** The spec of a session input or output; null when it is not a tensor. */
  static @Nullable TensorSpec spec(String name, NodeInfo node) {
    if (!(node.getInfo() instanceof TensorInfo info)) {
      return null;
    }
    DataType type = dataType(info.onnxType);
    if (type == null) {
      return null;
    }
    long[] shape = info.getShape();
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shape[i] < 0 ? -1 : shape[i];
    }
    return TensorSpec.of(name, type, shape);
  }

  /** Zeros (or empty strings) fitting {@code spec}, variable dimensions set to 1. */
  static Tensor zeros(TensorSpec spec) {
    long[] dims = spec.dims();
    int n = 1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = dims[i] < 0 ? 1 : dims[i];
      n = Math.multiplyExact(n, (int) dims[i]);
    }
    if (spec.type() == DataType.STRING) {
      String[] s = new String[n];
      java.util.Arrays.fill(s, "");
      return Tensor.of(s, dims);
    }
    return Tensor.wrap(
        spec.type(),
        ByteBuffer.allocateDirect(n * spec.type().byteSize())
            .order(java.nio.ByteOrder.nativeOrder()),
        dims);
  }

  static void closeAll(Map<String, OnnxTensor> tensors) {
    for (OnnxTensor t : tensors.values()) {
      close(t);
    }
  }

  /** ONNX Runtime's element type as ours; null for types a {@link Tensor} cannot hold. */
  private static @Nullable DataType dataType(TensorInfo.OnnxTensorType t) {
    return switch (t) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.STRING;
      default -> null;
    };
  }

  private static OnnxJavaType javaType(DataType type) {
    return switch (type) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case FLOAT64 -> OnnxJavaType.DOUBLE;
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
      case INT8 -> OnnxJavaType.INT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case UINT8 -> OnnxJavaType.UINT8;
      case BOOL -> OnnxJavaType.BOOL;
      default ->
          throw new InvalidInputException(
              "ONNX Runtime for Java cannot take "
                  + type.mlflowName()
                  + " tensors: convert the input to a signed or floating-point type.");
    };
  }

  private static void flatten(Object value, List<String> out) {
    if (value instanceof String s) {
      out.add(s);
    } else if (value != null && value.getClass().isArray()) {
      for (int i = 0; i < Array.getLength(value); i++) {
        flatten(Array.get(value, i), out);
      }
    }
  }
}
