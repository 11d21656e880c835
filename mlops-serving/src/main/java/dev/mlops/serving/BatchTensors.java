package dev.mlops.serving;

import dev.mlops.model.DataType;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins the requests of one batch along the first dimension and splits the outputs back. Numeric
 * inputs are copied once, straight into one direct buffer per input that ONNX Runtime reads in
 * place; each caller's outputs are views of the batch's output, not copies.
 */
final class BatchTensors {

  private BatchTensors() {}

  /** True when two requests can run in one batch: every input has the same non-batch dims. */
  static boolean compatible(List<TensorSpec> inputs, BatchRequest a, BatchRequest b) {
    for (TensorSpec spec : inputs) {
      Tensor x = a.inputs.get(spec.name());
      Tensor y = b.inputs.get(spec.name());
      for (int i = 1; i < x.rank(); i++) {
        if (x.dim(i) != y.dim(i)) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when every input has fixed non-batch dims, so any two valid requests are compatible. */
  static boolean fixedAfterBatch(List<TensorSpec> inputs) {
    for (TensorSpec spec : inputs) {
      for (int i = 1; i < spec.rank(); i++) {
        if (spec.shape().get(i) < 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** The inputs of {@code group}, joined along the first dimension, in the signature's order. */
  static Map<String, Tensor> concat(List<TensorSpec> inputs, List<BatchRequest> group, long rows) {
    Map<String, Tensor> merged = new LinkedHashMap<>();
    for (TensorSpec spec : inputs) {
      Tensor first = group.get(0).inputs.get(spec.name());
      long[] shape = first.shape();
      shape[0] = rows;
      if (spec.type() == DataType.STRING) {
        String[] all = new String[Math.toIntExact(elements(shape))];
        int at = 0;
        for (BatchRequest r : group) {
          String[] part = r.inputs.get(spec.name()).toStringArray();
          System.arraycopy(part, 0, all, at, part.length);
          at += part.length;
        }
        merged.put(spec.name(), Tensor.of(all, shape));
      } else {
        long bytes = elements(shape) * spec.type().byteSize();
        ByteBuffer buf =
            ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        for (BatchRequest r : group) {
          buf.put(r.inputs.get(spec.name()).bytes());
        }
        merged.put(spec.name(), Tensor.wrap(spec.type(), buf.flip(), shape));
      }
    }
    return merged;
  }

  /** True when every output has {@code rows} as its first dimension. */
  static boolean batchMajor(Map<String, Tensor> outputs, long rows) {
    for (Tensor t : outputs.values()) {
      if (t.rank() == 0 || t.dim(0) != rows) {
        return false;
      }
    }
    return true;
  }

  /** Rows {@code [offset, offset + count)} of every output, as views where possible. */
  static Map<String, Tensor> rows(
      Map<String, Tensor> outputs, long offset, long count, long total) {
    if (outputs.size() == 1) {
      Map.Entry<String, Tensor> only = outputs.entrySet().iterator().next();
      return Map.of(only.getKey(), slice(only.getValue(), offset, count, total));
    }
    Map<String, Tensor> mine = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      mine.put(e.getKey(), slice(e.getValue(), offset, count, total));
    }
    return java.util.Collections.unmodifiableMap(mine);
  }

  private static Tensor slice(Tensor t, long offset, long rows, long total) {
    long[] shape = t.shape();
    shape[0] = rows;
    if (t.type() == DataType.STRING) {
      String[] all = t.toStringArray();
      int per = (int) (all.length / total);
      return Tensor.of(
          Arrays.copyOfRange(all, (int) (offset * per), (int) ((offset + rows) * per)), shape);
    }
    ByteBuffer bytes = t.bytes();
    int per = (int) (bytes.remaining() / total);
    ByteBuffer part =
        bytes.slice((int) (offset * per), (int) (rows * per)).order(ByteOrder.nativeOrder());
    return Tensor.wrap(t.type(), part, shape);
  }

  private static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
