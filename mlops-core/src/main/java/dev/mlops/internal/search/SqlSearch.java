package dev.mlops.internal.search;

import dev.mlops.LifecycleStage;
import dev.mlops.RunQuery;
import dev.mlops.SearchQuery;
import dev.mlops.ViewType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns run, experiment, registered-model and model-version searches written in MLflow's filter
 * grammar into SQLite statements over MLflow's own schema.
 *
 * <pre>{@code
 * Plan plan = SqlSearch.runs(RunQuery.builder()
 *     .experimentIds("1")
 *     .filter("metrics.rmse < 0.8 and params.alpha = '0.5'")
 *     .orderBy("metrics.rmse ASC")
 *     .build());
 * // plan.sql(): SELECT runs.run_uuid FROM runs LEFT JOIN latest_metrics o1 ... LIMIT ? OFFSET ?
 * }</pre>
 *
 * <p>What each search accepts follows MLflow: runs filter on {@code metrics.}, {@code params.},
 * {@code tags.}, {@code datasets.} and the attributes run_id, run_name, status, user_id,
 * artifact_uri, start_time (alias created), end_time; experiments on name, creation_time,
 * last_update_time and tags; registered models on name and tags; model versions on name,
 * version_number, run_id, source_path and tags. Every value and key is a bind parameter. Malformed
 * input throws {@link dev.mlops.InvalidInputException} quoting the text and the position.
 *
 * <p>The statement expects the connection to run with {@code PRAGMA case_sensitive_like = ON}, so
 * that {@code LIKE} is case-sensitive as in MLflow ({@code ILIKE} is compiled to {@code lower(x)
 * LIKE lower(?)}).
 *
 * <p>Registered models and model versions tagged {@code mlflow.prompt.is_prompt = 'true'} (MLflow
 * prompts) are left out unless the filter names that tag, as MLflow's model search does.
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlSearch {
  private static final Pattern NUMERIC_ID = Pattern.compile("\\d{1,18}");
  private static final String PROMPT_TAG = "mlflow.prompt.is_prompt";
  private static final String DELETED_VERSION_STAGE = "Deleted_Internal";

  private SqlSearch() {}

  /**
   * {@code SELECT runs.run_uuid FROM runs ...} for the runs of {@code q}'s experiments visible
   * under its view type, filtered and ordered (default {@code start_time DESC}; ties by run id).
   */
  public static Plan runs(RunQuery q) {
    String fingerprint =
        PageToken.fingerprint(
            "runs", q.filter(), q.orderBy(), q.experimentIds(), q.viewType().name());
    SearchSqlBuilder builder = new SearchSqlBuilder(SearchTarget.RUNS);
    List<Object> ids = new ArrayList<>();
    for (String id : q.experimentIds()) {
      ids.add(NUMERIC_ID.matcher(id).matches() ? (Object) Long.valueOf(id) : id);
    }
    builder.where(new SqlWriter().sql("runs.experiment_id IN (").bindAll(ids).sql(")"));
    lifecycle(builder, "runs.lifecycle_stage", q.viewType());
    builder.filter(q.filter()).orderBy(q.orderBy());
    int offset = PageToken.offset(q.pageToken(), fingerprint);
    return builder.build(q.maxResults(), offset, fingerprint);
  }

  /**
   * {@code SELECT experiments.experiment_id FROM experiments ...}; default order {@code
   * creation_time DESC, experiment_id ASC}.
   */
  public static Plan experiments(SearchQuery q) {
    String fingerprint = fingerprint("experiments", q);
    SearchSqlBuilder builder = new SearchSqlBuilder(SearchTarget.EXPERIMENTS);
    lifecycle(builder, "experiments.lifecycle_stage", q.viewType());
    builder.filter(q.filter()).orderBy(q.orderBy());
    int offset = PageToken.offset(q.pageToken(), fingerprint);
    return builder.build(q.maxResults(), offset, fingerprint);
  }

  /** {@code SELECT registered_models.name FROM registered_models ...}; default order name. */
  public static Plan registeredModels(SearchQuery q) {
    String fingerprint = fingerprint("registered models", q);
    SearchSqlBuilder builder = new SearchSqlBuilder(SearchTarget.REGISTERED_MODELS);
    builder.filter(q.filter()).orderBy(q.orderBy());
    if (!builder.filtersOnTag(PROMPT_TAG)) {
      builder.where(notPrompt("registered_model_tags", "p.name = registered_models.name"));
    }
    int offset = PageToken.offset(q.pageToken(), fingerprint);
    return builder.build(q.maxResults(), offset, fingerprint);
  }

  /**
   * {@code SELECT model_versions.name, model_versions.version FROM model_versions ...}, never
   * including deleted versions ({@code current_stage = 'Deleted_Internal'}); default order name
   * ASC, version DESC.
   */
  public static Plan modelVersions(SearchQuery q) {
    String fingerprint = fingerprint("model versions", q);
    SearchSqlBuilder builder = new SearchSqlBuilder(SearchTarget.MODEL_VERSIONS);
    builder.where(
        new SqlWriter().sql("model_versions.current_stage IS NOT ").bind(DELETED_VERSION_STAGE));
    builder.filter(q.filter()).orderBy(q.orderBy());
    if (!builder.filtersOnTag(PROMPT_TAG)) {
      builder.where(
          notPrompt(
              "model_version_tags",
              "p.name = model_versions.name AND p.version = model_versions.version"));
      builder.where(notPrompt("registered_model_tags", "p.name = model_versions.name"));
    }
    int offset = PageToken.offset(q.pageToken(), fingerprint);
    return builder.build(q.maxResults(), offset, fingerprint);
  }

  private static String fingerprint(String target, SearchQuery q) {
    return PageToken.fingerprint(target, q.filter(), q.orderBy(), List.of(), q.viewType().name());
  }

  private static void lifecycle(SearchSqlBuilder builder, String column, ViewType viewType) {
    switch (viewType) {
      case ACTIVE_ONLY:
        builder.where(new SqlWriter().sql(column + " = ").bind(LifecycleStage.ACTIVE.wireName()));
        break;
      case DELETED_ONLY:
        builder.where(new SqlWriter().sql(column + " = ").bind(LifecycleStage.DELETED.wireName()));
        break;
      case ALL:
        break;
      default:
        throw new IllegalStateException("unknown view type " + viewType);
    }
  }

  private static SqlWriter notPrompt(String tagTable, String correlation) {
    return new SqlWriter()
        .sql(
            "NOT EXISTS (SELECT 1 FROM "
                + tagTable
                + " p WHERE "
                + correlation
                + " AND p.\"key\" = ")
        .bind(PROMPT_TAG)
        .sql(" AND p.value = ")
        .bind("true")
        .sql(")");
  }
}
