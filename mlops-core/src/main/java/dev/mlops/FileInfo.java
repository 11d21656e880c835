package dev.mlops;

/**
 * An entry of an artifact listing.
 *
 * @param path path relative to the artifact root, with {@code /} separators
 * @param isDir whether it is a directory
 * @param fileSize size in bytes, -1 for directories
 */
public record FileInfo(String path, boolean isDir, long fileSize) {}
