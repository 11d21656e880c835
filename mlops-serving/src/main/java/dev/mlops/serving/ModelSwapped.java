package dev.mlops.serving;

import dev.mlops.ModelVersion;
import java.time.Instant;

/**
 * A {@link LivePredictor} started serving another version.
 *
 * @param modelUri the URI it follows, e.g. {@code models:/fraud@champion}
 * @param from the version served before
 * @param to the version served now
 * @param at when the swap happened
 */
public record ModelSwapped(String modelUri, ModelVersion from, ModelVersion to, Instant at) {}
