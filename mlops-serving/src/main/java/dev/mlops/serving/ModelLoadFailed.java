package dev.mlops.serving;

import dev.mlops.ModelVersion;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LivePredictor} could not resolve or load a new version; it keeps serving the old one.
 *
 * @param modelUri the URI it follows
 * @param version the version it tried to load; null when resolving the URI failed
 * @param error what went wrong
 * @param at when
 */
public record ModelLoadFailed(
    String modelUri, @Nullable ModelVersion version, RuntimeException error, Instant at) {}
