package dev.mlops.model;

import dev.mlops.InvalidInputException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX model file to log with {@link dev.mlops.ActiveRun#logModel(String, OnnxModel)}, with what
 * to store beside it. The logged directory is an MLflow model with the {@code onnx} flavor (and
 * {@code python_function} pointing at {@code mlflow.onnx}), so Python MLflow loads it too.
 *
 * <pre>{@code
 * run.logModel("model", OnnxModel.of(Path.of("model.onnx")));          // signature from the graph
 *
 * run.logModel("model", OnnxModel.builder(Path.of("model.onnx"))
 *     .inputExample(Map.of("x", Tensor.of(new float[][] {{1, 2, 3, 4}})))
 *     .baseline(BaselineProfile.of("x", trainingRows))                  // for drift monitoring
 *     .build(), "fraud");                                               // and register it
 * }</pre>
 *
 * <p>The signature is read from the ONNX graph's inputs and outputs unless one is given; a given
 * one is checked against the graph (same names, element types and ranks; fixed dimensions agree).
 *
 * <p>A model saved with its weights as external data ({@code onnx.save_model(...,
 * save_as_external_data=True)}, which models over 2 GB need) is logged with those files beside
 * {@code model.onnx}, at the paths relative to the ONNX file that the model names. Each must be a
 * file inside the ONNX file's directory (no absolute path, no {@code ..}), long enough for the
 * tensors read from it; otherwise logging fails with an {@link InvalidInputException} before
 * anything is written. Immutable.
 */
public final class OnnxModel {

  /** The providers MLflow writes by default: GPU first, CPU otherwise. */
  public static final List<String> DEFAULT_PROVIDERS =
      List.of("CUDAExecutionProvider", "CPUExecutionProvider");

  private final Path file;
  private final @Nullable ModelSignature signature;
  private final Map<String, Tensor> inputExample;
  private final @Nullable BaselineProfile baseline;
  private final List<String> providers;
  private final Map<String, String> metadata;

  private OnnxModel(Builder b) {
    this.file = b.file;
    this.signature = b.signature;
    this.inputExample = Collections.unmodifiableMap(new LinkedHashMap<>(b.inputExample));
    this.baseline = b.baseline;
    this.providers = List.copyOf(b.providers);
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
  }

  /** The model in {@code onnxFile}, with its signature read from the graph. */
  public static OnnxModel of(Path onnxFile) {
    return builder(onnxFile).build();
  }

  /** A builder for the model in {@code onnxFile}. */
  public static Builder builder(Path onnxFile) {
    return new Builder(onnxFile);
  }

  /** The ONNX file. */
  public Path file() {
    return file;
  }

  /** The signature given, empty to read it from the graph. */
  public Optional<ModelSignature> signature() {
    return Optional.ofNullable(signature);
  }

  /** The input example by input name; empty when none. */
  public Map<String, Tensor> inputExample() {
    return inputExample;
  }

  /** The training-data profile to store for drift monitoring, if any. */
  public Optional<BaselineProfile> baseline() {
    return Optional.ofNullable(baseline);
  }

  /** ONNX Runtime execution providers written to the {@code onnx} flavor, in preference order. */
  public List<String> providers() {
    return providers;
  }

  /** Free-form {@code metadata} for {@code MLmodel}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** A builder with this model's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(file);
    b.signature = signature;
    b.inputExample.putAll(inputExample);
    b.baseline = baseline;
    b.providers = providers;
    b.metadata.putAll(metadata);
    return b;
  }

  @Override
  public String toString() {
    return "OnnxModel[" + file + (signature != null ? ", " + signature : "") + "]";
  }

  /** Builds an {@link OnnxModel}. */
  public static final class Builder {
    private final Path file;
    private @Nullable ModelSignature signature;
    private final Map<String, Tensor> inputExample = new LinkedHashMap<>();
    private @Nullable BaselineProfile baseline;
    private List<String> providers = DEFAULT_PROVIDERS;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(Path file) {
      if (file == null) {
        throw new InvalidInputException("The ONNX model file must not be null.");
      }
      this.file = file;
    }

    /** Uses {@code signature} instead of the graph's; it is checked against the graph. */
    public Builder signature(ModelSignature signature) {
      this.signature = signature;
      return this;
    }

    /**
     * Stores an input example ({@code input_example.json}, MLflow's {@code ndarray} example); each
     * tensor must fit the signature.
     */
    public Builder inputExample(Map<String, Tensor> example) {
      inputExample.clear();
      inputExample.putAll(example);
      return this;
    }

    /** Stores a training-data profile ({@code baseline_profile.json}) for drift monitoring. */
    public Builder baseline(BaselineProfile baseline) {
      this.baseline = baseline;
      return this;
    }

    /** Execution providers written to the flavor (default CUDA, then CPU). */
    public Builder providers(List<String> providers) {
      this.providers = List.copyOf(providers);
      return this;
    }

    /** Adds a {@code metadata} entry to {@code MLmodel}. */
    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    public OnnxModel build() {
      return new OnnxModel(this);
    }
  }
}
