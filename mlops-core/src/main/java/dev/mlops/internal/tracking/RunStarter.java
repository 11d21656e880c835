package dev.mlops.internal.tracking;

import dev.mlops.AlreadyExistsException;
import dev.mlops.Experiment;
import dev.mlops.InvalidInputException;
import dev.mlops.LifecycleStage;
import dev.mlops.MlopsConfig;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.RunInfo;
import dev.mlops.RunOptions;
import dev.mlops.internal.Validation;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates runs the way MLflow's clients do: validates the options, gets or creates the experiment
 * by name, names the run {@code adjective-noun-number} when no name is given, and sets the system
 * tags {@code mlflow.runName}, {@code mlflow.user}, {@code mlflow.source.type} ({@code LOCAL}) and,
 * for nested runs, {@code mlflow.parentRunId}. User tags win over the defaults, except {@code
 * mlflow.runName}, which always matches the run's name. Thread-safe.
 */
final class RunStarter {

  static final String RUN_NAME_TAG = "mlflow.runName";
  static final String USER_TAG = "mlflow.user";
  static final String SOURCE_TYPE_TAG = "mlflow.source.type";
  static final String PARENT_RUN_TAG = "mlflow.parentRunId";

  private final TrackingBackend backend;
  private final MlopsConfig config;
  private final KnownKeys keys;

  RunStarter(TrackingBackend backend, MlopsConfig config, KnownKeys keys) {
    this.backend = backend;
    this.config = config;
    this.keys = keys;
  }

  /** Validates {@code options}, then creates the run (and its experiment when missing). */
  RunInfo start(@Nullable RunOptions options) {
    if (options == null) {
      throw new InvalidInputException("Run options must not be null.");
    }
    String experimentName = Validation.experimentName(options.experimentName());
    String runName = options.runName() == null ? null : Validation.runName(options.runName());
    for (Map.Entry<String, String> e : options.tags().entrySet()) {
      keys.check("Tag", e.getKey());
      Validation.tagValue(e.getKey(), e.getValue());
    }
    String parent = options.parentRunId();
    if (parent != null) {
      Validation.id("Run", parent);
    }
    long startTime = startTime(options.startTime());
    if (parent != null && backend.getRun(parent).isEmpty()) {
      throw new NotFoundException(
          "Parent run "
              + parent
              + " does not exist: pass the id of an existing run as parentRunId, or none.");
    }
    Experiment experiment = activeExperiment(experimentName);
    return create(experiment.experimentId(), runName, options.tags(), parent, startTime);
  }

  /** Creates a run nested under {@code parentRunId} in experiment {@code experimentId}. */
  RunInfo startChild(String experimentId, String parentRunId, @Nullable String runName) {
    String name = runName == null ? null : Validation.runName(runName);
    return create(experimentId, name, Map.of(), parentRunId, System.currentTimeMillis());
  }

  /**
   * The active experiment named {@code name} (already validated), created when missing. When
   * another caller creates it at the same moment, the loser re-reads and uses the winner's.
   */
  Experiment activeExperiment(String name) {
    Optional<Experiment> found = backend.getExperimentByName(name);
    if (found.isPresent()) {
      return requireActive(found.get());
    }
    String id;
    try {
      id = backend.createExperiment(name, null, Map.of());
    } catch (AlreadyExistsException e) {
      return backend.getExperimentByName(name).map(RunStarter::requireActive).orElseThrow(() -> e);
    }
    return backend
        .getExperiment(id)
        .orElseThrow(
            () ->
                new MlopsException(
                    "Experiment '"
                        + name
                        + "' was created with id "
                        + id
                        + " but could not be read back; was it deleted at the same moment?"));
  }

  private RunInfo create(
      String experimentId,
      @Nullable String runName,
      Map<String, String> userTags,
      @Nullable String parentRunId,
      long startTime) {
    String user = config.setting("USER").orElseGet(() -> System.getProperty("user.name", ""));
    String name = runName;
    if (name == null) {
      String tagged = userTags.get(RUN_NAME_TAG);
      name = tagged != null ? Validation.runName(tagged) : RunNames.generate();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (!user.isEmpty()) {
      tags.put(USER_TAG, user);
    }
    tags.put(SOURCE_TYPE_TAG, "LOCAL");
    tags.putAll(userTags);
    tags.put(RUN_NAME_TAG, name);
    if (parentRunId != null) {
      tags.put(PARENT_RUN_TAG, parentRunId);
    }
    return backend.createRun(new NewRun(experimentId, name, startTime, user, tags, parentRunId));
  }

  private static Experiment requireActive(Experiment experiment) {
    if (experiment.lifecycleStage() == LifecycleStage.DELETED) {
      throw new InvalidInputException(
          "Experiment '"
              + experiment.name()
              + "' (id "
              + experiment.experimentId()
              + ") is deleted, and its name stays taken. Restore it with"
              + " tracking.restoreExperiment(\""
              + experiment.experimentId()
              + "\") or use another experiment name.");
    }
    return experiment;
  }

  private static long startTime(@Nullable Long startTime) {
    if (startTime == null) {
      return System.currentTimeMillis();
    }
    if (startTime < 0) {
      throw new InvalidInputException(
          "Run start time "
              + startTime
              + " is negative: it is milliseconds since the epoch; leave it unset for now.");
    }
    return startTime;
  }
}
