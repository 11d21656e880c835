package dev.mlops.internal.tracking;

import dev.mlops.internal.Validation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Remembers keys that passed {@link Validation#key}, so that logging the same metric a million
 * times checks its key once: a hash lookup instead of a regular expression on the hot path. Holds
 * at most {@value #MAX_KEYS} keys; past that, new keys are checked every time. Thread-safe.
 */
final class KnownKeys {

  static final int MAX_KEYS = 10_000;

  private final Map<String, Boolean> valid = new ConcurrentHashMap<>();

  /**
   * Returns {@code key} when it is a valid metric, param or tag key.
   *
   * @param kind {@code Metric}, {@code Param} or {@code Tag}, for the message
   * @throws dev.mlops.InvalidInputException when it is not
   */
  String check(String kind, @Nullable String key) {
    if (key != null && valid.containsKey(key)) {
      return key;
    }
    String checked = Validation.key(kind, key);
    if (valid.size() < MAX_KEYS) {
      valid.put(checked, Boolean.TRUE);
    }
    return checked;
  }
}
