package dev.mlops.internal.store;

import dev.mlops.Experiment;
import dev.mlops.LifecycleStage;
import dev.mlops.Metric;
import dev.mlops.Page;
import dev.mlops.Param;
import dev.mlops.Run;
import dev.mlops.RunInfo;
import dev.mlops.RunQuery;
import dev.mlops.RunStatus;
import dev.mlops.SearchQuery;
import dev.mlops.Tag;
import dev.mlops.internal.search.Plan;
import dev.mlops.internal.search.SqlSearch;
import dev.mlops.spi.BatchLimits;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The embedded store's {@link TrackingBackend}: experiments, runs, params, metrics and tags in an
 * MLflow-compatible SQLite file. Every call is one transaction on the shared {@link
 * SqliteDatabase}; {@link #logBatch} writes a whole batch atomically.
 *
 * <p>Thread-safe. Made by {@link EmbeddedStoreProvider}; closing it leaves the database open for
 * the registry backend that shares it.
 */
public final class SqliteTrackingBackend implements TrackingBackend {

  /** Larger than MLflow's REST limits: batches here cost one local transaction. */
  static final BatchLimits LIMITS = new BatchLimits(10_000, 1_000, 1_000, 12_000, 16_000_000);

  private final SqliteDatabase db;
  private final String artifactRoot;
  private final Path workingDirectory;

  /**
   * @param artifactRoot root under which new experiments get {@code <root>/<experiment id>}
   * @param workingDirectory what relative artifact locations are resolved against
   */
  public SqliteTrackingBackend(SqliteDatabase db, String artifactRoot, Path workingDirectory) {
    this.db = db;
    this.artifactRoot = artifactRoot;
    this.workingDirectory = workingDirectory;
  }

  @Override
  public BatchLimits batchLimits() {
    return LIMITS;
  }

  @Override
  public String createExperiment(
      String name, @Nullable String artifactLocation, Map<String, String> tags) {
    String location =
        artifactLocation == null || artifactLocation.isBlank()
            ? null
            : ArtifactLocations.resolve(artifactLocation, workingDirectory);
    return db.inTransaction(
        c -> ExperimentSql.create(c, name, location, artifactRoot, tags, now()));
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    OptionalLong id = ExperimentSql.parseId(experimentId);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.read(
        c ->
            Optional.ofNullable(
                ExperimentSql.load(c, List.of(id.getAsLong())).get(id.getAsLong())));
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return db.read(c -> Optional.ofNullable(ExperimentSql.byName(c, name)));
  }

  @Override
  public Page<Experiment> searchExperiments(SearchQuery query) {
    Plan plan = SqlSearch.experiments(query);
    return db.read(
        c -> {
          Page<String> ids = plan.page(column(c, plan));
          List<Experiment> experiments =
              new ArrayList<>(ExperimentSql.load(c, ExperimentSql.ids(ids.items())).values());
          return new Page<>(experiments, ids.nextPageToken());
        });
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    db.inTransaction(
        c -> {
          ExperimentSql.rename(c, experimentId, newName, now());
          return null;
        });
  }

  @Override
  public void deleteExperiment(String experimentId) {
    db.inTransaction(
        c -> {
          ExperimentSql.delete(c, experimentId, now());
          return null;
        });
  }

  @Override
  public void restoreExperiment(String experimentId) {
    db.inTransaction(
        c -> {
          ExperimentSql.restore(c, experimentId, now());
          return null;
        });
  }

  @Override
  public void setExperimentTag(String experimentId, String key, String value) {
    db.inTransaction(
        c -> {
          Experiment e = ExperimentSql.requireActive(c, experimentId, "set tag '" + key + "'");
          ExperimentSql.setTag(c, Long.parseLong(e.experimentId()), key, value);
          return null;
        });
  }

  @Override
  public RunInfo createRun(NewRun run) {
    return db.inTransaction(c -> RunSql.create(c, run));
  }

  @Override
  public Optional<Run> getRun(String runId) {
    return db.read(c -> RunSql.load(c, List.of(runId)).stream().findFirst());
  }

  @Override
  public void updateRun(
      String runId, RunStatus status, @Nullable Long endTime, @Nullable String runName) {
    db.inTransaction(
        c -> {
          RunSql.update(c, runId, status, endTime, runName);
          return null;
        });
  }

  @Override
  public void deleteRun(String runId) {
    db.inTransaction(
        c -> {
          RunSql.setStage(c, runId, LifecycleStage.DELETED, now());
          return null;
        });
  }

  @Override
  public void restoreRun(String runId) {
    db.inTransaction(
        c -> {
          RunSql.setStage(c, runId, LifecycleStage.ACTIVE, now());
          return null;
        });
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    db.inTransaction(
        c -> {
          BatchWriter.write(c, runId, metrics, params, tags);
          return null;
        });
  }

  @Override
  public void deleteTag(String runId, String key) {
    db.inTransaction(
        c -> {
          RunSql.deleteTag(c, runId, key);
          return null;
        });
  }

  @Override
  public Page<Metric> getMetricHistory(
      String runId, String key, int maxResults, @Nullable String pageToken) {
    return db.read(c -> MetricHistory.page(c, runId, key, maxResults, pageToken));
  }

  @Override
  public Page<Run> searchRuns(RunQuery query) {
    Plan plan = SqlSearch.runs(query);
    return db.read(
        c -> {
          Page<String> ids = plan.page(column(c, plan));
          return new Page<>(RunSql.load(c, ids.items()), ids.nextPageToken());
        });
  }

  /** Nothing to release: the database belongs to the {@code Mlops} that shares it. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "SqliteTrackingBackend[" + db.file() + "]";
  }

  /** The first column of every row {@code plan} selects. */
  private static List<String> column(Connection c, Plan plan) throws SQLException {
    List<String> values = new ArrayList<>();
    Sql.query(c, plan.sql(), plan.params(), rs -> values.add(rs.getString(1)));
    return values;
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
