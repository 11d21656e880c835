package dev.mlops.serving;

/** How much ONNX Runtime rewrites the graph before running it (its graph optimisation level). */
public enum OptimizationLevel {
  /** No rewriting. */
  NONE,
  /** Constant folding and redundant-node removal. */
  BASIC,
  /** Also node fusions. */
  EXTENDED,
  /** Everything, including layout changes (the default). */
  ALL
}
