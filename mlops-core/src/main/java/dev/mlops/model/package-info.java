/**
 * The model format and the prediction API: {@link dev.mlops.model.OnnxModel} to log a model with
 * {@link dev.mlops.ActiveRun#logModel}, {@link dev.mlops.model.MlModel} for MLflow's {@code
 * MLmodel} file, {@link dev.mlops.model.ModelSignature} and {@link dev.mlops.model.TensorSpec} for
 * what a model takes and returns, and {@link dev.mlops.model.Predictor} with {@link
 * dev.mlops.model.Tensor} for running one (implementations live in {@code mlops-serving}).
 */
@NullMarked
package dev.mlops.model;

import org.jspecify.annotations.NullMarked;
