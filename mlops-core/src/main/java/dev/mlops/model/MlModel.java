package dev.mlops.model;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.mlmodel.MlModelYaml;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * MLflow's {@code MLmodel} file: the manifest at the root of every logged model, naming its flavors
 * (how to load it), its signature and input example. Files written by Python MLflow read the same
 * as files written here.
 *
 * <pre>{@code
 * MlModel m = MlModel.read(mlops.models().download("models:/fraud@champion"));
 * String onnxFile = m.flavor("onnx").orElseThrow().get("data").toString();   // "model.onnx"
 * }</pre>
 *
 * @param artifactPath where the model sits in its run's artifacts, e.g. {@code model}
 * @param runId the run that logged it
 * @param modelUuid a unique id (32 hex characters when written here)
 * @param utcTimeCreated when it was logged, UTC, as Python writes it ({@code 2025-01-31
 *     12:00:00.123456})
 * @param flavors flavor name to its settings, e.g. {@code onnx -> {data: model.onnx, ...}}
 * @param signature inputs and outputs; null when the file has none
 * @param savedInputExampleInfo {@code saved_input_example_info}: where the input example is and its
 *     type; empty when none was saved
 * @param modelSizeBytes total size of the model's files, when known
 * @param metadata free-form {@code metadata}
 * @param other every other top-level key, kept as read (e.g. {@code mlflow_version})
 */
public record MlModel(
    @Nullable String artifactPath,
    @Nullable String runId,
    @Nullable String modelUuid,
    @Nullable String utcTimeCreated,
    Map<String, Map<String, @Nullable Object>> flavors,
    @Nullable ModelSignature signature,
    Map<String, @Nullable Object> savedInputExampleInfo,
    @Nullable Long modelSizeBytes,
    Map<String, @Nullable Object> metadata,
    Map<String, @Nullable Object> other) {

  public MlModel {
    Map<String, Map<String, @Nullable Object>> f = new LinkedHashMap<>();
    flavors.forEach((k, v) -> f.put(k, frozen(v)));
    flavors = Collections.unmodifiableMap(f);
    savedInputExampleInfo = frozen(savedInputExampleInfo);
    metadata = frozen(metadata);
    other = frozen(other);
  }

  /** The file name inside a model directory. */
  public static final String FILE_NAME = MlModelYaml.FILE_NAME;

  /**
   * Reads the {@code MLmodel} file of a model directory (or the file itself).
   *
   * @throws InvalidInputException when there is none or it is not valid YAML
   */
  public static MlModel read(Path modelDir) {
    return MlModelYaml.read(modelDir);
  }

  /** Writes this as the {@code MLmodel} file in {@code modelDir}. */
  public void write(Path modelDir) {
    MlModelYaml.write(this, modelDir.resolve(FILE_NAME));
  }

  /** The settings of flavor {@code name} ({@code onnx}, {@code python_function}, ...). */
  public Optional<Map<String, @Nullable Object>> flavor(String name) {
    return Optional.ofNullable(flavors.get(name));
  }

  /** The signature, when the file has one. */
  public Optional<ModelSignature> findSignature() {
    return Optional.ofNullable(signature);
  }

  /** The input example file, relative to the model directory, when one was saved. */
  public Optional<String> inputExamplePath() {
    Object p = savedInputExampleInfo.get("artifact_path");
    return p == null ? Optional.empty() : Optional.of(p.toString());
  }

  /** This file as YAML, exactly as {@link #write} writes it. */
  public String toYaml() {
    return MlModelYaml.toYaml(this);
  }

  private static Map<String, @Nullable Object> frozen(Map<String, @Nullable Object> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
