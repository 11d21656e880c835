package dev.mlops;

import java.nio.file.Path;

/**
 * Resolves model URIs and downloads models through a local cache. Get it from {@link
 * Mlops#models()}.
 *
 * <pre>{@code
 * ResolvedModel m = mlops.models().resolve("models:/fraud@champion");
 * Path dir = mlops.models().download("models:/fraud@champion");   // cached, atomic
 * }</pre>
 *
 * <p>URIs: {@code models:/<name>/<version>}, {@code models:/<name>@<alias>}, {@code
 * models:/<name>/<stage>}, {@code models:/<name>/latest}, {@code runs:/<runId>/<path>}.
 *
 * <p>Downloads go to a content-addressed cache (default {@code ~/.cache/mlops/models}, see {@link
 * Mlops.Builder#cacheDir}): each version is downloaded once, into a temporary directory renamed
 * into place, so concurrent threads and processes see either nothing or the whole model.
 * Thread-safe.
 */
public interface Models {

  /**
   * What the URI points at now. @throws NotFoundException when the model, version or alias is
   * missing
   */
  ResolvedModel resolve(String modelUri);

  /** The model's files in the local cache, downloading them the first time. */
  Path download(String modelUri);
}
