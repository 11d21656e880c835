package dev.mlops.internal.search;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What the left side of a clause names: a column of the searched row, or a child row by key. */
enum KeyType {
  ATTRIBUTE("attributes", Set.of("attribute", "attributes", "attr")),
  METRIC("metrics", Set.of("metric", "metrics")),
  PARAM("params", Set.of("param", "params", "parameter", "parameters")),
  TAG("tags", Set.of("tag", "tags")),
  DATASET("datasets", Set.of("dataset", "datasets"));

  private final String prefix;
  private final Set<String> aliases;

  KeyType(String prefix, Set<String> aliases) {
    this.prefix = prefix;
    this.aliases = aliases;
  }

  /** The usual prefix, e.g. {@code metrics}. */
  String prefix() {
    return prefix;
  }

  /** The key type a prefix such as {@code params} or {@code Tag} names, or null if none. */
  static @Nullable KeyType fromPrefix(String prefix) {
    String p = prefix.toLowerCase(Locale.ROOT);
    for (KeyType type : values()) {
      if (type.aliases.contains(p)) {
        return type;
      }
    }
    return null;
  }
}
