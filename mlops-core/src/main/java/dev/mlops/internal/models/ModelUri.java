package dev.mlops.internal.models;

import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.internal.Validation;
import dev.mlops.internal.artifacts.ArtifactUri;
import dev.mlops.internal.artifacts.RunArtifact;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A parsed model URI. The accepted forms:
 *
 * <ul>
 *   <li>{@code models:/<name>/<version>}, e.g. {@code models:/fraud/3} ({@link Version})
 *   <li>{@code models:/<name>@<alias>}, e.g. {@code models:/fraud@champion} ({@link Alias})
 *   <li>{@code models:/<name>/<stage>}, stage None, Staging, Production or Archived in any case
 *       ({@link Stage})
 *   <li>{@code models:/<name>/latest}: the highest version in any stage ({@link Latest})
 *   <li>{@code runs:/<runId>/<path>} ({@link FromRun})
 * </ul>
 *
 * <pre>{@code
 * if (ModelUri.parse("models:/fraud@champion") instanceof ModelUri.Alias a) { ... }
 * }</pre>
 */
public sealed interface ModelUri {

  /** How each accepted form looks, for error messages. */
  String FORMS =
      "Use models:/<name>/<version> (e.g. models:/fraud/3), models:/<name>@<alias>"
          + " (models:/fraud@champion), models:/<name>/<stage> (models:/fraud/Production),"
          + " models:/<name>/latest (models:/fraud/latest) or runs:/<run_id>/<path>"
          + " (runs:/4f1c0a9e2b7d4c1f8e3a6b5d0c9f1e2a/model).";

  /** The URI as given. */
  String uri();

  /** A URI that names a registered model version, directly or through an alias or stage. */
  sealed interface Registered extends ModelUri {
    /** The registered model's name. */
    String name();
  }

  /** {@code models:/<name>/<version>}. */
  record Version(String uri, String name, int version) implements Registered {}

  /** {@code models:/<name>@<alias>}. */
  record Alias(String uri, String name, String alias) implements Registered {}

  /** {@code models:/<name>/<stage>}: the newest version in that stage. */
  record Stage(String uri, String name, ModelStage stage) implements Registered {}

  /** {@code models:/<name>/latest}: the highest version in any stage. */
  record Latest(String uri, String name) implements Registered {}

  /** {@code runs:/<runId>/<path>}: files logged by a run, not registered. */
  record FromRun(String uri, RunArtifact artifact) implements ModelUri {}

  /**
   * Parses a model URI.
   *
   * @throws InvalidInputException naming what is wrong and showing each accepted form
   */
  static ModelUri parse(@Nullable String uri) {
    if (uri == null || uri.isBlank()) {
      throw malformed(String.valueOf(uri), "it is empty");
    }
    if (ArtifactUri.isRuns(uri)) {
      try {
        return new FromRun(uri, ArtifactUri.parseRuns(uri));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(e.getMessage() + " " + FORMS, e);
      }
    }
    if (!ArtifactUri.isModels(uri)) {
      throw malformed(uri, "model URIs start with models:/ or runs:/");
    }
    String rest = uri.substring("models:".length());
    if (!rest.startsWith("/") || rest.startsWith("//")) {
      throw malformed(uri, "the model name goes right after 'models:/'");
    }
    rest = rest.substring(1);
    int slash = rest.indexOf('/');
    int at = rest.indexOf('@');
    if (at >= 0 && (slash < 0 || at < slash)) {
      String name = name(uri, rest.substring(0, at));
      String alias = rest.substring(at + 1);
      try {
        return new Alias(uri, name, Validation.alias(alias));
      } catch (InvalidInputException e) {
        throw malformed(uri, e.getMessage());
      }
    }
    if (slash < 0 || slash == rest.length() - 1) {
      throw malformed(uri, "a version, stage, 'latest' or '@alias' must follow the model name");
    }
    String name = name(uri, rest.substring(0, slash));
    String ref = rest.substring(slash + 1);
    if (ref.indexOf('/') >= 0) {
      throw malformed(uri, "only one part may follow the model name");
    }
    if (ref.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return new Version(uri, name, version(uri, name, ref));
    }
    if (ref.toLowerCase(Locale.ROOT).equals("latest")) {
      return new Latest(uri, name);
    }
    try {
      return new Stage(uri, name, ModelStage.fromWire(ref));
    } catch (InvalidInputException e) {
      throw malformed(
          uri,
          "'"
              + ref
              + "' is neither a version number, 'latest', nor a stage (None, Staging, Production,"
              + " Archived)");
    }
  }

  private static String name(String uri, String name) {
    try {
      return Validation.modelName(name);
    } catch (InvalidInputException e) {
      throw malformed(uri, e.getMessage());
    }
  }

  private static int version(String uri, String name, String digits) {
    int version;
    try {
      version = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw malformed(uri, "version " + digits + " is too large");
    }
    try {
      return Validation.version(name, version);
    } catch (InvalidInputException e) {
      throw malformed(uri, e.getMessage());
    }
  }

  private static InvalidInputException malformed(String uri, String reason) {
    String r = reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason;
    return new InvalidInputException(
        "Malformed model URI '" + Validation.abbreviate(uri) + "': " + r + ". " + FORMS);
  }
}
