package dev.mlops;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A registered model: a name under which model versions are kept.
 *
 * @param name unique name
 * @param creationTimestamp milliseconds since the epoch
 * @param lastUpdatedTimestamp milliseconds since the epoch
 * @param description free text, null when none was set
 * @param tags model tags
 * @param aliases alias to version number
 */
public record RegisteredModel(
    String name,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    @Nullable String description,
    Map<String, String> tags,
    Map<String, Integer> aliases) {
  public RegisteredModel {
    tags = Map.copyOf(tags);
    aliases = Map.copyOf(aliases);
  }

  /** The description, if one was set. */
  public Optional<String> describe() {
    return Optional.ofNullable(description);
  }
}
