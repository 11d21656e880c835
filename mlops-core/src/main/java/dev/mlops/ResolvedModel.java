package dev.mlops;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a model URI points at now.
 *
 * @param modelUri the URI as given, e.g. {@code models:/fraud@champion}
 * @param version the registered version, null for a {@code runs:/} URI
 * @param artifactUri where its files are stored
 */
public record ResolvedModel(String modelUri, @Nullable ModelVersion version, String artifactUri) {

  public Optional<ModelVersion> modelVersion() {
    return Optional.ofNullable(version);
  }
}
