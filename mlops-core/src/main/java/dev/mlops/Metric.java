package dev.mlops;

/**
 * One metric point. Its identity (for de-duplication of retries) is all four fields.
 *
 * @param key metric name, at most 250 characters of letters, digits and {@code _-./ :}
 * @param value the value; NaN and infinities are rejected at logging time
 * @param timestamp milliseconds since the epoch
 * @param step the step (epoch, iteration); 0 when not given
 */
public record Metric(String key, double value, long timestamp, long step) {}
