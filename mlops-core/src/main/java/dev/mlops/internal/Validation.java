package dev.mlops.internal;

import dev.mlops.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * MLflow's limits, enforced before anything is sent or written. Every method throws {@link
 * InvalidInputException} with a message that names the value, the rule and what to do.
 */
public final class Validation {

  public static final int MAX_KEY_LENGTH = 250;
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  public static final int MAX_RUN_NAME_LENGTH = 250;
  public static final int MAX_MODEL_NAME_LENGTH = 256;
  public static final int MAX_ALIAS_LENGTH = 255;
  public static final int MAX_DESCRIPTION_LENGTH = 5000;

  private static final Pattern KEY = Pattern.compile("^[/\\w.\\- :]*$");
  private static final Pattern ALIAS = Pattern.compile("^[\\w\\-]*$");
  private static final Pattern VERSION_ALIAS = Pattern.compile("^[vV]\\d+$");
  private static final Pattern ID = Pattern.compile("^[\\w\\-.:]+$");

  private Validation() {}

  /** A metric, param or tag key: 1-250 characters of letters, digits, {@code _-./ :}. */
  public static String key(String kind, @Nullable String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException(
          kind + " key must not be empty: give it a name such as 'loss'.");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new InvalidInputException(
          kind
              + " key '"
              + abbreviate(key)
              + "' is "
              + key.length()
              + " characters long; the limit is "
              + MAX_KEY_LENGTH
              + ".");
    }
    if (!KEY.matcher(key).matches()) {
      throw new InvalidInputException(
          kind
              + " key '"
              + abbreviate(key)
              + "' has characters that are not allowed: use letters, digits, underscores, dashes,"
              + " periods, spaces, colons and slashes.");
    }
    if (key.startsWith("/") || hasDotDotSegment(key)) {
      throw new InvalidInputException(
          kind
              + " key '"
              + abbreviate(key)
              + "' would escape its directory: it must not start with '/' or contain a '..' part.");
    }
    return key;
  }

  /** A metric value: finite. */
  public static double metricValue(String key, double value) {
    if (!Double.isFinite(value)) {
      throw new InvalidInputException(
          "Metric '"
              + key
              + "' has value "
              + value
              + ": metric values must be finite numbers. Skip the point or log a sentinel.");
    }
    return value;
  }

  /** A metric timestamp: not negative. */
  public static long timestamp(String key, long timestampMillis) {
    if (timestampMillis < 0) {
      throw new InvalidInputException(
          "Metric '"
              + key
              + "' has timestamp "
              + timestampMillis
              + ": timestamps are milliseconds since the epoch and must not be negative.");
    }
    return timestampMillis;
  }

  public static String paramValue(String key, @Nullable String value) {
    return value("Param", key, value, MAX_PARAM_VALUE_LENGTH);
  }

  public static String tagValue(String key, @Nullable String value) {
    return value("Tag", key, value, MAX_TAG_VALUE_LENGTH);
  }

  private static String value(String kind, String key, @Nullable String value, int max) {
    if (value == null) {
      throw new InvalidInputException(
          kind + " '" + key + "' has a null value: pass a string (\"\" is allowed).");
    }
    if (value.length() > max) {
      throw new InvalidInputException(
          kind
              + " '"
              + key
              + "' has a value of "
              + value.length()
              + " characters; the limit is "
              + max
              + ". Store long values as an artifact instead.");
    }
    return value;
  }

  public static String experimentName(@Nullable String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException(
          "Experiment name must not be empty: give it a name such as 'fraud-model'.");
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw new InvalidInputException(
          "Experiment name '"
              + abbreviate(name)
              + "' is "
              + name.length()
              + " characters long; the limit is "
              + MAX_EXPERIMENT_NAME_LENGTH
              + ".");
    }
    return name;
  }

  public static String runName(@Nullable String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("Run name must not be empty.");
    }
    if (name.length() > MAX_RUN_NAME_LENGTH) {
      throw new InvalidInputException(
          "Run name '"
              + abbreviate(name)
              + "' is "
              + name.length()
              + " characters long; the limit is "
              + MAX_RUN_NAME_LENGTH
              + ".");
    }
    return name;
  }

  /** A run or experiment id: non-empty, no spaces or slashes. */
  public static String id(String kind, @Nullable String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException(kind + " id must not be empty.");
    }
    if (id.length() > 256 || !ID.matcher(id).matches()) {
      throw new InvalidInputException(
          kind + " id '" + abbreviate(id) + "' is malformed: ids have no spaces or slashes.");
    }
    return id;
  }

  /** A registered model name: 1-256 characters, none of {@code / @ :} (they would break URIs). */
  public static String modelName(@Nullable String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException(
          "Registered model name must not be empty: give it a name such as 'fraud'.");
    }
    if (name.length() > MAX_MODEL_NAME_LENGTH) {
      throw new InvalidInputException(
          "Registered model name '"
              + abbreviate(name)
              + "' is "
              + name.length()
              + " characters long; the limit is "
              + MAX_MODEL_NAME_LENGTH
              + ".");
    }
    for (char c : new char[] {'/', '@', ':', '\0'}) {
      if (name.indexOf(c) >= 0) {
        throw new InvalidInputException(
            "Registered model name '"
                + abbreviate(name)
                + "' contains '"
                + (c == '\0' ? "NUL" : String.valueOf(c))
                + "', which would break models:/ URIs. Use letters, digits, '-', '_' or '.'.");
      }
    }
    return name;
  }

  public static int version(String name, int version) {
    if (version < 1) {
      throw new InvalidInputException(
          "Model version " + version + " of '" + name + "' is invalid: versions start at 1.");
    }
    return version;
  }

  /** An alias: {@code ^[\w\-]*$}, 1-255 characters, not {@code latest}, not {@code v<digits>}. */
  public static String alias(@Nullable String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new InvalidInputException("Alias must not be empty: use a word such as 'champion'.");
    }
    if (alias.length() > MAX_ALIAS_LENGTH) {
      throw new InvalidInputException(
          "Alias '"
              + abbreviate(alias)
              + "' is "
              + alias.length()
              + " characters long; the limit is "
              + MAX_ALIAS_LENGTH
              + ".");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw new InvalidInputException(
          "Alias '"
              + abbreviate(alias)
              + "' may only hold letters, digits, '_' and '-'; e.g. 'champion'.");
    }
    if (alias.toLowerCase(Locale.ROOT).equals("latest")) {
      throw new InvalidInputException(
          "Alias 'latest' is reserved: models:/<name>/latest always means the newest version.");
    }
    if (VERSION_ALIAS.matcher(alias).matches()) {
      throw new InvalidInputException(
          "Alias '" + alias + "' is reserved: 'v<number>' would be read as a version reference.");
    }
    return alias;
  }

  public static @Nullable String description(@Nullable String description) {
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidInputException(
          "Description is "
              + description.length()
              + " characters long; the limit is "
              + MAX_DESCRIPTION_LENGTH
              + ".");
    }
    return description;
  }

  /**
   * Normalises a relative artifact path: {@code \} becomes {@code /}, empty and {@code .} parts
   * drop out; rejects NUL, absolute paths and {@code ..} parts. Returns "" for the root.
   */
  public static String artifactPath(@Nullable String path) {
    if (path == null) {
      throw new InvalidInputException("Artifact path must not be null: use \"\" for the root.");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidInputException("Artifact path contains a NUL character; remove it.");
    }
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || (p.length() > 1 && p.charAt(1) == ':')) {
      throw new InvalidInputException(
          "Artifact path '"
              + abbreviate(path)
              + "' is absolute: artifact paths are relative to the run's artifact root,"
              + " e.g. 'model/model.onnx'.");
    }
    List<String> parts = new ArrayList<>();
    for (String part : p.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new InvalidInputException(
            "Artifact path '"
                + abbreviate(path)
                + "' contains '..': artifact paths must stay under the artifact root.");
      }
      parts.add(part);
    }
    return String.join("/", parts);
  }

  /** A non-empty artifact file path (not the root). */
  public static String artifactFile(@Nullable String path) {
    String p = artifactPath(path);
    if (p.isEmpty()) {
      throw new InvalidInputException(
          "Artifact file path must name a file, e.g. 'notes/summary.txt'; got '" + path + "'.");
    }
    return p;
  }

  private static boolean hasDotDotSegment(String key) {
    for (String part : key.split("/")) {
      if (part.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** At most 60 characters of {@code s}, for messages. */
  public static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
