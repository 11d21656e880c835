package dev.mlops;

/**
 * One run parameter. Logging the same key twice with another value is an error, as in MLflow.
 *
 * @param key at most 250 characters
 * @param value at most 6000 characters
 */
public record Param(String key, String value) {}
