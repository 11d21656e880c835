package dev.mlops.spi;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A run to create, already validated.
 *
 * @param experimentId experiment to create it in
 * @param runName display name (never null: core generates one)
 * @param startTime milliseconds since the epoch
 * @param userId user, may be empty
 * @param tags initial tags, including {@code mlflow.parentRunId} for nested runs
 * @param parentRunId parent run, null for top-level runs
 */
public record NewRun(
    String experimentId,
    String runName,
    long startTime,
    String userId,
    Map<String, String> tags,
    @Nullable String parentRunId) {
  public NewRun {
    tags = Map.copyOf(tags);
  }
}
