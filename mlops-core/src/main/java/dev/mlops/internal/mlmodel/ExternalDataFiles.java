package dev.mlops.internal.mlmodel;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The external data files of an ONNX model, checked, and copied beside {@code model.onnx} when the
 * model is logged. ONNX Runtime and Python's {@code onnx.load} find them relative to the model
 * file's directory, so each keeps its relative path (subdirectories included).
 *
 * <p>A location must be relative, stay inside the model's directory (no {@code ..}, no link out of
 * it), hold no NUL, not clash with a file of the MLflow model directory, and name an existing file
 * long enough for every tensor read from it. Get one with {@link #resolve}. Immutable.
 */
final class ExternalDataFiles {

  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  /** Source file by relative location, in first-use order. */
  private final Map<Path, Path> files;

  private ExternalDataFiles(Map<Path, Path> files) {
    this.files = files;
  }

  /**
   * Checks the external data of {@code onnxFile}'s {@code tensors}; {@code reserved} are the file
   * names the model directory uses itself.
   *
   * @throws InvalidInputException naming the tensor and the location, when one is not usable
   */
  static ExternalDataFiles resolve(
      Path onnxFile, List<ExternalTensor> tensors, Set<String> reserved) {
    Path base = onnxFile.toAbsolutePath().normalize().getParent();
    if (base == null || tensors.isEmpty()) {
      return new ExternalDataFiles(Map.of());
    }
    Map<Path, Path> files = new LinkedHashMap<>();
    Map<Path, Long> sizes = new HashMap<>();
    for (ExternalTensor t : tensors) {
      Path relative = relative(onnxFile, base, t, reserved);
      Path source = base.resolve(relative);
      long size = sizes.computeIfAbsent(relative, r -> check(onnxFile, base, source, t));
      if (t.offset() > size || (t.length() >= 0 && t.length() > size - t.offset())) {
        throw invalid(
            onnxFile,
            t,
            "is too short: the tensor needs "
                + (t.length() >= 0 ? t.length() + " bytes" : "the bytes")
                + " from offset "
                + t.offset()
                + ", but '"
                + source
                + "' holds "
                + size
                + " bytes",
            "The file is truncated or belongs to another export: copy it again from where the"
                + " model was saved, or re-export the model.");
      }
      files.putIfAbsent(relative, source);
    }
    return new ExternalDataFiles(Collections.unmodifiableMap(files));
  }

  /** The relative locations, each once. */
  Set<Path> locations() {
    return files.keySet();
  }

  /** Copies (or hard-links, where the file system allows) every file under {@code dir}. */
  void copyInto(Path dir) throws IOException {
    for (Map.Entry<Path, Path> e : files.entrySet()) {
      Path target = dir.resolve(e.getKey());
      Path parent = target.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      linkOrCopy(e.getValue(), target);
    }
  }

  /**
   * Puts {@code source} at {@code target}: a hard link when both are on one file system (no bytes
   * copied for multi-gigabyte weights), a copy otherwise.
   */
  static void linkOrCopy(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source.toRealPath());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      Files.deleteIfExists(target);
      Files.copy(source, target);
    }
  }

  private static Path relative(Path onnxFile, Path base, ExternalTensor t, Set<String> reserved) {
    String location = t.location();
    if (location.isBlank()) {
      throw invalid(onnxFile, t, "is empty", "Re-save the model so each tensor names its file.");
    }
    if (location.indexOf('\0') >= 0) {
      throw invalid(
          onnxFile, t, "contains a NUL character", "Re-save the model with plain file names.");
    }
    if (location.startsWith("/")
        || location.startsWith("\\")
        || DRIVE.matcher(location).matches()) {
      throw invalid(
          onnxFile,
          t,
          "is an absolute path",
          "ONNX resolves external data relative to the model file: save the data next to it"
              + " (onnx.save_model(model, path, save_as_external_data=True, location=\"weights.bin\")).");
    }
    for (String segment : SEPARATORS.split(location)) {
      if (segment.equals("..")) {
        throw invalid(
            onnxFile,
            t,
            "leaves the model's directory with '..'",
            "Move the data file into the model's directory or a subdirectory of it and re-save the"
                + " model with that location.");
      }
    }
    Path relative;
    try {
      relative = base.relativize(base.resolve(location).normalize());
    } catch (IllegalArgumentException e) {
      throw invalid(
          onnxFile, t, "is not a valid path here (" + e.getMessage() + ")", "Rename the file.");
    }
    if (relative.toString().isEmpty() || relative.startsWith("..")) {
      throw invalid(onnxFile, t, "does not name a file inside the model's directory", "Rename it.");
    }
    String first = relative.getName(0).toString().toLowerCase(Locale.ROOT);
    if (reserved.stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).equals(first))) {
      throw invalid(
          onnxFile,
          t,
          "has the name of a file the MLflow model directory holds itself ("
              + new TreeSet<>(reserved)
              + ")",
          "Rename the data file (e.g. model.onnx.data) and re-save the model with that location.");
    }
    return relative;
  }

  /** Checks {@code source} is a regular file inside {@code base}; returns its size. */
  private static long check(Path onnxFile, Path base, Path source, ExternalTensor t) {
    if (!Files.isRegularFile(source)) {
      throw invalid(
          onnxFile,
          t,
          Files.exists(source)
              ? "is not a regular file ('" + source + "')"
              : "does not exist ('" + source + "')",
          "Keep the external data files next to the .onnx file, where the exporter wrote them.");
    }
    try {
      if (!source.toRealPath().startsWith(base.toRealPath())) {
        throw invalid(
            onnxFile,
            t,
            "is a link to '" + source.toRealPath() + "', outside the model's directory",
            "Copy the data file into the model's directory instead of linking it.");
      }
      return Files.size(source);
    } catch (IOException e) {
      throw invalid(
          onnxFile, t, "cannot be read (" + e + ")", "Check the file's permissions and try again.");
    }
  }

  private static InvalidInputException invalid(
      Path onnxFile, ExternalTensor t, String problem, String todo) {
    return new InvalidInputException(
        "Tensor '"
            + t.tensor()
            + "' of ONNX model '"
            + onnxFile
            + "' keeps its data in external file '"
            + t.location()
            + "', which "
            + problem
            + ". "
            + todo);
  }
}
