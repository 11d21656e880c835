/**
 * Small ONNX models built in code for tests ({@link dev.mlops.testkit.onnx.OnnxTestModels}), each
 * with a plain-Java reference of what it computes. No {@code .onnx} file needs to ship.
 */
@NullMarked
package dev.mlops.testkit.onnx;

import org.jspecify.annotations.NullMarked;
