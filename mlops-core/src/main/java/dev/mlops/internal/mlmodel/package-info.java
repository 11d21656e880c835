/**
 * The model format behind {@link dev.mlops.model}: MLflow's {@code MLmodel} YAML and signature
 * JSON, input examples, the ONNX graph reader (a small protobuf wire-format reader, so core needs
 * no protobuf library), and the code behind {@code ActiveRun.logModel}.
 */
@NullMarked
package dev.mlops.internal.mlmodel;

import org.jspecify.annotations.NullMarked;
