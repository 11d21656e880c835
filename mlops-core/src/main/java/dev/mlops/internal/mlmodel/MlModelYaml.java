package dev.mlops.internal.mlmodel;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.model.MlModel;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes MLflow's {@code MLmodel} file. Keys are written in alphabetical order, as
 * MLflow's {@code yaml.safe_dump} does; every string is quoted, so a value such as {@code
 * utc_time_created} stays a string for Python's YAML loader. Keys this SDK does not know (e.g.
 * {@code mlflow_version}, {@code model_id}) are kept and written back.
 */
public final class MlModelYaml {

  /** The file's name inside a model directory. */
  public static final String FILE_NAME = "MLmodel";

  private static final Logger LOG = LoggerFactory.getLogger(MlModelYaml.class);

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  private static final List<String> KNOWN =
      List.of(
          "artifact_path",
          "run_id",
          "model_uuid",
          "utc_time_created",
          "flavors",
          "signature",
          "saved_input_example_info",
          "model_size_bytes",
          "metadata");

  private MlModelYaml() {}

  /**
   * Reads {@code MLmodel} from a model directory (or the file itself).
   *
   * @throws InvalidInputException when there is no such file or it is not valid YAML
   */
  public static MlModel read(Path modelDirOrFile) {
    Path file =
        Files.isDirectory(modelDirOrFile) ? modelDirOrFile.resolve(FILE_NAME) : modelDirOrFile;
    Map<String, Object> root;
    try {
      root = YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new InvalidInputException(
          "No MLmodel file at '"
              + file.toAbsolutePath()
              + "': this directory is not an MLflow model. Log the model with"
              + " run.logModel(...) or mlflow.<flavor>.log_model(...).",
          e);
    } catch (IOException e) {
      throw new InvalidInputException(
          "MLmodel file '" + file.toAbsolutePath() + "' is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      root = new LinkedHashMap<>();
    }
    return fromMap(root, file);
  }

  /** Writes {@code model} as YAML to {@code file}. */
  public static void write(MlModel model, Path file) {
    try {
      Files.writeString(file, toYaml(model));
    } catch (IOException e) {
      throw new MlopsException("Cannot write MLmodel file '" + file + "': " + e, e);
    }
  }

  /** The YAML text of {@code model}. */
  public static String toYaml(MlModel model) {
    try {
      return YAML.writeValueAsString(toMap(model));
    } catch (IOException e) {
      throw new MlopsException("Cannot write MLmodel YAML: " + e, e);
    }
  }

  static Map<String, @Nullable Object> toMap(MlModel m) {
    Map<String, @Nullable Object> out = new TreeMap<>(m.other());
    putIfSet(out, "artifact_path", m.artifactPath());
    putIfSet(out, "run_id", m.runId());
    putIfSet(out, "model_uuid", m.modelUuid());
    putIfSet(out, "utc_time_created", m.utcTimeCreated());
    putIfSet(out, "model_size_bytes", m.modelSizeBytes());
    Map<String, Object> flavors = new TreeMap<>();
    m.flavors().forEach((k, v) -> flavors.put(k, new TreeMap<>(v)));
    out.put("flavors", flavors);
    ModelSignature sig = m.signature();
    if (sig != null) {
      Map<String, @Nullable Object> s = new LinkedHashMap<>();
      s.put("inputs", SignatureJson.write(sig.inputs()));
      s.put("outputs", SignatureJson.write(sig.outputs()));
      s.put("params", null);
      out.put("signature", s);
    }
    if (!m.savedInputExampleInfo().isEmpty()) {
      out.put("saved_input_example_info", new TreeMap<>(m.savedInputExampleInfo()));
    }
    if (!m.metadata().isEmpty()) {
      out.put("metadata", new TreeMap<>(m.metadata()));
    }
    return out;
  }

  private static void putIfSet(Map<String, @Nullable Object> out, String key, @Nullable Object v) {
    if (v != null) {
      out.put(key, v);
    }
  }

  @SuppressWarnings("unchecked")
  private static MlModel fromMap(Map<String, Object> root, Path file) {
    Map<String, @Nullable Object> other = new LinkedHashMap<>(root);
    KNOWN.forEach(other::remove);
    Map<String, Map<String, @Nullable Object>> flavors = new LinkedHashMap<>();
    if (root.get("flavors") instanceof Map<?, ?> f) {
      f.forEach(
          (k, v) ->
              flavors.put(
                  String.valueOf(k),
                  v instanceof Map<?, ?> conf
                      ? new LinkedHashMap<>((Map<String, @Nullable Object>) conf)
                      : new LinkedHashMap<>()));
    }
    ModelSignature signature = null;
    if (root.get("signature") instanceof Map<?, ?> s) {
      try {
        List<TensorSpec> in = readSchema(s.get("inputs"));
        List<TensorSpec> out = readSchema(s.get("outputs"));
        signature = new ModelSignature(in, out);
      } catch (InvalidInputException e) {
        LOG.warn(
            "Ignoring the signature in {}: {} It is kept in the file as written.",
            file,
            e.getMessage());
        other.put("signature", s);
      }
    }
    return new MlModel(
        text(root.get("artifact_path")),
        text(root.get("run_id")),
        text(root.get("model_uuid")),
        text(root.get("utc_time_created")),
        flavors,
        signature,
        root.get("saved_input_example_info") instanceof Map<?, ?> info
            ? (Map<String, @Nullable Object>) info
            : Map.of(),
        root.get("model_size_bytes") instanceof Number n ? n.longValue() : null,
        root.get("metadata") instanceof Map<?, ?> md
            ? (Map<String, @Nullable Object>) md
            : Map.of(),
        other);
  }

  private static List<TensorSpec> readSchema(@Nullable Object json) {
    if (json == null) {
      return List.of();
    }
    return SignatureJson.read(String.valueOf(json));
  }

  private static @Nullable String text(@Nullable Object v) {
    return v == null ? null : String.valueOf(v);
  }
}
