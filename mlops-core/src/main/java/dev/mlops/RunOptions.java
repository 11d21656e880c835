package dev.mlops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to start a run: in which experiment (created if missing), with which name, tags and parent.
 *
 * <pre>{@code
 * try (ActiveRun run = tracking.startRun(RunOptions.builder("fraud-model")
 *     .runName("nightly")
 *     .tag("team", "risk")
 *     .build())) { ... }
 * }</pre>
 *
 * @param experimentName experiment to start the run in; created when missing
 * @param runName display name; a generated one when null
 * @param tags tags set when the run starts
 * @param parentRunId the parent of a nested run, null for a top-level run
 * @param startTime milliseconds since the epoch, null for now
 */
public record RunOptions(
    String experimentName,
    @Nullable String runName,
    Map<String, String> tags,
    @Nullable String parentRunId,
    @Nullable Long startTime) {

  public RunOptions {
    tags = Map.copyOf(tags);
  }

  public Optional<String> name() {
    return Optional.ofNullable(runName);
  }

  public Optional<String> parent() {
    return Optional.ofNullable(parentRunId);
  }

  /** Starts building options for a run in {@code experimentName}. */
  public static Builder builder(String experimentName) {
    return new Builder(experimentName);
  }

  /** Builds {@link RunOptions}. */
  public static final class Builder {
    private final String experimentName;
    private @Nullable String runName;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private @Nullable String parentRunId;
    private @Nullable Long startTime;

    private Builder(String experimentName) {
      this.experimentName = experimentName;
    }

    public Builder runName(@Nullable String runName) {
      this.runName = runName;
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder tags(Map<String, String> tags) {
      this.tags.putAll(tags);
      return this;
    }

    public Builder parentRunId(@Nullable String parentRunId) {
      this.parentRunId = parentRunId;
      return this;
    }

    public Builder startTime(long startTime) {
      this.startTime = startTime;
      return this;
    }

    public RunOptions build() {
      return new RunOptions(experimentName, runName, tags, parentRunId, startTime);
    }
  }
}
