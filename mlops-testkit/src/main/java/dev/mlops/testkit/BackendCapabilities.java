package dev.mlops.testkit;

import dev.mlops.RunQuery;

/**
 * What a backend under test supports, where backends are allowed to differ. The contracts skip (as
 * "aborted", never "passed") the tests for a capability a backend declares it lacks, so a report
 * shows exactly which parts of the contract a backend opted out of.
 *
 * <pre>{@code
 * @Override
 * protected BackendCapabilities capabilities() {
 *   return BackendCapabilities.all().toBuilder()
 *       .supportsExperimentRename(false)
 *       .maxResultsLimit(1_000)
 *       .build();
 * }
 * }</pre>
 *
 * @param supportsExperimentRename whether {@code renameExperiment} works
 * @param supportsDeleteRestore whether runs and experiments can be soft-deleted and restored
 * @param maxResultsLimit the largest page size a search accepts
 * @param persistsAcrossReopen whether a second {@code openMlops} on the same directory sees the
 *     data the first one wrote
 * @param supportsStages whether legacy model stages (Staging, Production, Archived) are kept
 * @param supportsAliases whether registered model aliases are kept
 */
public record BackendCapabilities(
    boolean supportsExperimentRename,
    boolean supportsDeleteRestore,
    int maxResultsLimit,
    boolean persistsAcrossReopen,
    boolean supportsStages,
    boolean supportsAliases) {

  public BackendCapabilities {
    if (maxResultsLimit < 1) {
      throw new IllegalArgumentException(
          "maxResultsLimit must be at least 1, got " + maxResultsLimit + ".");
    }
  }

  /** Everything MLflow supports, with MLflow's run search page limit of 50,000. */
  public static BackendCapabilities all() {
    return new BackendCapabilities(true, true, RunQuery.MAX_RESULTS_LIMIT, true, true, true);
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link BackendCapabilities}; starts from {@link #all()}. */
  public static final class Builder {
    private boolean supportsExperimentRename;
    private boolean supportsDeleteRestore;
    private int maxResultsLimit;
    private boolean persistsAcrossReopen;
    private boolean supportsStages;
    private boolean supportsAliases;

    private Builder(BackendCapabilities from) {
      this.supportsExperimentRename = from.supportsExperimentRename;
      this.supportsDeleteRestore = from.supportsDeleteRestore;
      this.maxResultsLimit = from.maxResultsLimit;
      this.persistsAcrossReopen = from.persistsAcrossReopen;
      this.supportsStages = from.supportsStages;
      this.supportsAliases = from.supportsAliases;
    }

    public Builder supportsExperimentRename(boolean value) {
      this.supportsExperimentRename = value;
      return this;
    }

    public Builder supportsDeleteRestore(boolean value) {
      this.supportsDeleteRestore = value;
      return this;
    }

    public Builder maxResultsLimit(int value) {
      this.maxResultsLimit = value;
      return this;
    }

    public Builder persistsAcrossReopen(boolean value) {
      this.persistsAcrossReopen = value;
      return this;
    }

    public Builder supportsStages(boolean value) {
      this.supportsStages = value;
      return this;
    }

    public Builder supportsAliases(boolean value) {
      this.supportsAliases = value;
      return this;
    }

    public BackendCapabilities build() {
      return new BackendCapabilities(
          supportsExperimentRename,
          supportsDeleteRestore,
          maxResultsLimit,
          persistsAcrossReopen,
          supportsStages,
          supportsAliases);
    }
  }
}
