package dev.mlops.internal.artifacts;

/**
 * A concrete artifact URI split into the root a store is opened at and a path under it.
 *
 * @param rootUri the store's root URI ({@code file:}, {@code s3://}, a plain path, ...)
 * @param path the path under the root, "" for the root itself
 */
public record ArtifactLocation(String rootUri, String path) {}
