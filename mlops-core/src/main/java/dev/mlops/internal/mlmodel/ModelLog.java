package dev.mlops.internal.mlmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.ModelRegistry;
import dev.mlops.ModelVersion;
import dev.mlops.internal.Validation;
import dev.mlops.model.BaselineProfile;
import dev.mlops.model.LoggedModel;
import dev.mlops.model.MlModel;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.OnnxModel;
import dev.mlops.model.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an {@link OnnxModel} to a run as an MLflow model directory, and optionally registers it. One
 * per {@link ActiveRun}: it remembers the models logged to its run for MLflow's {@code
 * mlflow.log-model.history} tag.
 *
 * <p>The directory: {@code MLmodel}, {@code model.onnx}, {@code requirements.txt}, {@code
 * python_env.yaml} and {@code conda.yaml} (so {@code mlflow models serve} can build an
 * environment), and when given {@code input_example.json} + {@code serving_input_example.json} and
 * {@code baseline_profile.json}. A model whose tensors keep their data in external files gets those
 * files too, at the same paths relative to {@code model.onnx} (as MLflow's Python onnx flavor saves
 * them), after they are checked ({@link ExternalDataFiles}); they count in {@code
 * model_size_bytes}. It is assembled in a temporary directory, then uploaded with the run's
 * artifact store. Thread-safe.
 */
public final class ModelLog {

  /** The model file's name inside the model directory, as MLflow names it. */
  public static final String ONNX_FILE = "model.onnx";

  /** MLflow's run tag listing the models logged to a run. */
  public static final String HISTORY_TAG = "mlflow.log-model.history";

  private static final Logger LOG = LoggerFactory.getLogger(ModelLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter PY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  /**
   * Written as the flavor's {@code onnx_version} (MLflow records the Python onnx package that saved
   * the file; nothing loads by it). The file's own IR version and opsets stay in the model.
   */
  static final String ONNX_VERSION = "1.17.0";

  /** The files the model directory holds besides external data, which must not clash with them. */
  static final Set<String> OWN_FILES =
      Set.of(
          ONNX_FILE,
          MlModel.FILE_NAME,
          PythonEnv.CONDA_FILE,
          PythonEnv.VENV_FILE,
          PythonEnv.REQUIREMENTS_FILE,
          TensorJson.EXAMPLE_FILE,
          TensorJson.SERVING_FILE,
          BaselineProfile.FILE_NAME);

  private final Supplier<ModelRegistry> registry;
  private final List<Map<String, @Nullable Object>> history = new ArrayList<>();

  public ModelLog(Supplier<ModelRegistry> registry) {
    this.registry = registry;
  }

  /**
   * Logs {@code model} under {@code artifactPath} of {@code run}, then registers it as a new
   * version of {@code registeredModelName} when that is not null.
   */
  public LoggedModel log(
      ActiveRun run,
      @Nullable String artifactPath,
      @Nullable OnnxModel model,
      @Nullable String registeredModelName) {
    String path = Validation.artifactPath(artifactPath);
    if (path.isEmpty()) {
      throw new InvalidInputException(
          "A model needs its own artifact directory: pass a path such as \"model\", not \"\".");
    }
    if (model == null) {
      throw new InvalidInputException(
          "The model must not be null: pass OnnxModel.of(Path.of(\"model.onnx\")).");
    }
    if (registeredModelName != null) {
      Validation.modelName(registeredModelName);
    }
    OnnxGraph graph = OnnxGraph.read(model.file());
    ModelSignature signature = model.signature().orElse(graph.signature());
    if (model.signature().isPresent()) {
      SignatureCheck.checkAgainstGraph(signature, graph.signature());
    }
    if (!model.inputExample().isEmpty()) {
      SignatureCheck.checkInputs(signature, model.inputExample());
    }
    model.baseline().ifPresent(b -> checkBaseline(b, signature));
    ExternalDataFiles external =
        ExternalDataFiles.resolve(model.file(), graph.externalData(), OWN_FILES);

    Path dir = createTempDir();
    MlModel mlModel;
    try {
      mlModel = writeDirectory(dir, run.runId(), path, model, signature, external);
      run.logArtifacts(dir, path);
    } finally {
      deleteQuietly(dir);
    }
    recordHistory(run, mlModel);
    ModelVersion version = null;
    if (registeredModelName != null) {
      version =
          registry.get().registerModel("runs:/" + run.runId() + "/" + path, registeredModelName);
      LOG.info(
          "Logged model {} to run {} and registered it as {}",
          path,
          run.runId(),
          version.modelUri());
    } else {
      LOG.info("Logged model {} to run {}", path, run.runId());
    }
    return new LoggedModel(run.runId(), path, mlModel, version);
  }

  private static MlModel writeDirectory(
      Path dir,
      String runId,
      String path,
      OnnxModel model,
      ModelSignature signature,
      ExternalDataFiles external) {
    try {
      ExternalDataFiles.linkOrCopy(model.file(), dir.resolve(ONNX_FILE));
      external.copyInto(dir);
      if (!external.locations().isEmpty()) {
        LOG.debug("Copied external data {} of {}", external.locations(), model.file());
      }
      Map<String, @Nullable Object> exampleInfo = new LinkedHashMap<>();
      if (!model.inputExample().isEmpty()) {
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        signature.inputNames().forEach(n -> ordered.put(n, model.inputExample().get(n)));
        Files.writeString(dir.resolve(TensorJson.EXAMPLE_FILE), TensorJson.writeExample(ordered));
        Files.writeString(
            dir.resolve(TensorJson.SERVING_FILE), TensorJson.writeServingInput(ordered));
        exampleInfo.put("artifact_path", TensorJson.EXAMPLE_FILE);
        exampleInfo.put("serving_input_path", TensorJson.SERVING_FILE);
        exampleInfo.put("type", "ndarray");
      }
      Map<String, @Nullable Object> metadata = new LinkedHashMap<>(model.metadata());
      if (model.baseline().isPresent()) {
        Files.writeString(dir.resolve(BaselineProfile.FILE_NAME), model.baseline().get().toJson());
        metadata.put(BaselineProfile.METADATA_KEY, BaselineProfile.FILE_NAME);
      }
      long size = totalSize(dir);
      PythonEnv.write(dir);
      MlModel mlModel =
          new MlModel(
              path,
              runId,
              UUID.randomUUID().toString().replace("-", ""),
              LocalDateTime.now(ZoneOffset.UTC).format(PY_TIME),
              flavors(model),
              signature,
              exampleInfo,
              size,
              metadata,
              Map.of());
      mlModel.write(dir);
      return mlModel;
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot prepare model directory for '" + model.file() + "': " + e, e);
    }
  }

  private static Map<String, Map<String, @Nullable Object>> flavors(OnnxModel model) {
    Map<String, @Nullable Object> onnx = new LinkedHashMap<>();
    onnx.put("code", null);
    onnx.put("data", ONNX_FILE);
    onnx.put("onnx_session_options", null);
    onnx.put("onnx_version", ONNX_VERSION);
    onnx.put("providers", model.providers());
    Map<String, @Nullable Object> pyfunc = new LinkedHashMap<>();
    pyfunc.put("data", ONNX_FILE);
    pyfunc.put("env", Map.of("conda", PythonEnv.CONDA_FILE, "virtualenv", PythonEnv.VENV_FILE));
    pyfunc.put("loader_module", "mlflow.onnx");
    pyfunc.put("python_version", PythonEnv.PYTHON_VERSION);
    Map<String, Map<String, @Nullable Object>> flavors = new LinkedHashMap<>();
    flavors.put("onnx", onnx);
    flavors.put("python_function", pyfunc);
    return flavors;
  }

  private static void checkBaseline(BaselineProfile b, ModelSignature signature) {
    var spec = signature.input(b.input());
    if (spec.isEmpty()) {
      throw new InvalidInputException(
          "The baseline profiles input '"
              + b.input()
              + "', which the model does not take: use one of "
              + signature.inputNames()
              + ".");
    }
    List<Long> shape = spec.get().shape();
    long width = shape.size() == 2 ? shape.get(1) : -1;
    if (width >= 0 && width != b.features().size()) {
      throw new InvalidInputException(
          "The baseline profiles "
              + b.features().size()
              + " features of input '"
              + b.input()
              + "', but the model's input has "
              + width
              + " columns.");
    }
  }

  /** Appends to {@code mlflow.log-model.history}, dropping the oldest entries past 8,000 chars. */
  private synchronized void recordHistory(ActiveRun run, MlModel mlModel) {
    Map<String, @Nullable Object> entry = MlModelYaml.toMap(mlModel);
    entry.remove("signature");
    entry.remove("saved_input_example_info");
    history.add(entry);
    try {
      String value = JSON.writeValueAsString(history);
      while (value.length() > Validation.MAX_TAG_VALUE_LENGTH && history.size() > 1) {
        history.remove(0);
        value = JSON.writeValueAsString(history);
      }
      if (value.length() <= Validation.MAX_TAG_VALUE_LENGTH) {
        run.setTag(HISTORY_TAG, value);
      }
    } catch (IOException e) {
      LOG.warn("Could not record {} on run {}: {}", HISTORY_TAG, run.runId(), e.toString());
    }
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("mlops-model-");
    } catch (IOException e) {
      throw new MlopsException(
          "Cannot create a temporary directory to assemble the model in ("
              + e
              + "). Check that java.io.tmpdir is writable.",
          e);
    }
  }

  private static long totalSize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
                throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.debug("Could not delete temporary model directory {}: {}", dir, e.toString());
    }
  }
}
