package dev.mlops;

/**
 * A key/value tag on a run, experiment, registered model or model version. Setting a tag again
 * overwrites it.
 *
 * @param key at most 250 characters
 * @param value at most 8000 characters
 */
public record Tag(String key, String value) {}
