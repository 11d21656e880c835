/**
 * Predictors for logged models: {@link dev.mlops.serving.Predictors#load} resolves a model URI,
 * downloads it through the cache and loads it with ONNX Runtime on the {@link
 * dev.mlops.serving.Device} asked for (GPU when present); {@link
 * dev.mlops.serving.BatchingPredictor} groups concurrent requests into batches; {@link
 * dev.mlops.serving.LivePredictor} follows an alias and swaps versions without failing a request.
 */
@NullMarked
package dev.mlops.serving;

import org.jspecify.annotations.NullMarked;
