package dev.mlops;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One version of a registered model.
 *
 * @param name the registered model's name
 * @param version version number, from 1
 * @param creationTimestamp milliseconds since the epoch
 * @param lastUpdatedTimestamp milliseconds since the epoch
 * @param description free text, null when none was set
 * @param source the artifact URI it was registered from (e.g. {@code runs:/<id>/model})
 * @param runId the run that produced it, null when unknown
 * @param status {@code READY} once registered
 * @param stage legacy stage
 * @param tags version tags
 * @param aliases aliases pointing at this version
 */
public record ModelVersion(
    String name,
    int version,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    @Nullable String description,
    String source,
    @Nullable String runId,
    String status,
    ModelStage stage,
    Map<String, String> tags,
    List<String> aliases) {
  public ModelVersion {
    tags = Map.copyOf(tags);
    aliases = List.copyOf(aliases);
  }

  /** {@code models:/<name>/<version>}: the URI that always means exactly this version. */
  public String modelUri() {
    return "models:/" + name + "/" + version;
  }
}
