package dev.mlops.internal.mlmodel;

/**
 * A tensor of an ONNX model whose data is kept in a separate file ({@code TensorProto.data_location
 * = EXTERNAL}), as exporters do for models over 2 GB and {@code onnx.save_model(...,
 * save_as_external_data=True)} does for any model.
 *
 * @param tensor the tensor's name, "" when it has none
 * @param location the {@code location} entry of its {@code external_data}: a path relative to the
 *     directory of the model file, as written in the model
 * @param offset where the tensor's bytes start in that file; 0 when not given
 * @param length how many bytes it takes; -1 when not given (up to the end of the file)
 */
public record ExternalTensor(String tensor, String location, long offset, long length) {

  /** The last byte the tensor needs, exclusive: {@code offset + length}, or {@code offset}. */
  long end() {
    return length < 0 ? offset : offset + length;
  }
}
