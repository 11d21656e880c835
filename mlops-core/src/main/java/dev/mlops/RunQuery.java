package dev.mlops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run search, in MLflow's filter grammar.
 *
 * <pre>{@code
 * RunQuery q = RunQuery.builder()
 *     .experimentIds(exp.experimentId())
 *     .filter("metrics.rmse < 0.8 and params.alpha = '0.5' and tags.team LIKE 'ri%'")
 *     .orderBy("metrics.rmse ASC", "attributes.start_time DESC")
 *     .maxResults(100)
 *     .build();
 * Page<Run> page = tracking.searchRuns(q);
 * }</pre>
 *
 * <p>Filter: clauses joined by {@code AND}; left sides {@code metrics.<key>}, {@code params.<key>},
 * {@code tags.<key>} and {@code attributes.<name>} (run_id, run_name, status, start_time, end_time,
 * artifact_uri, user_id; a bare name means an attribute); keys may be backticked or double-quoted;
 * operators {@code = != < <= >} {@code >=} on metrics and numeric attributes, {@code = != LIKE
 * ILIKE} on params, tags and string attributes ({@code LIKE} is case-sensitive, {@code ILIKE} is
 * not), and {@code IN}/{@code NOT IN} with a list on {@code run_id}, as in MLflow. Order: the same
 * kinds of keys with {@code ASC}/{@code DESC}; default {@code start_time DESC}.
 *
 * @param experimentIds at least one experiment
 * @param filter the filter, empty for all runs
 * @param orderBy order clauses
 * @param maxResults page size, 1 to 50,000; default 1,000
 * @param pageToken token from a previous page, null for the first
 * @param viewType which lifecycle stages to include
 */
public record RunQuery(
    List<String> experimentIds,
    String filter,
    List<String> orderBy,
    int maxResults,
    @Nullable String pageToken,
    ViewType viewType) {

  /** MLflow's default page size. */
  public static final int DEFAULT_MAX_RESULTS = 1000;

  /** MLflow's largest page size for runs. */
  public static final int MAX_RESULTS_LIMIT = 50_000;

  public RunQuery {
    experimentIds = List.copyOf(experimentIds);
    orderBy = List.copyOf(orderBy);
    if (experimentIds.isEmpty()) {
      throw new InvalidInputException(
          "A run search needs at least one experiment id: call experimentIds(...).");
    }
    if (maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
      throw new InvalidInputException(
          "maxResults must be between 1 and " + MAX_RESULTS_LIMIT + ", got " + maxResults + ".");
    }
  }

  /** The page token, empty for the first page. */
  public Optional<String> page() {
    return Optional.ofNullable(pageToken);
  }

  /** The same query, asking for the page after the one that returned {@code token}. */
  public RunQuery withPageToken(@Nullable String token) {
    return new RunQuery(experimentIds, filter, orderBy, maxResults, token, viewType);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RunQuery}; only the experiment ids are required. */
  public static final class Builder {
    private final List<String> experimentIds = new ArrayList<>();
    private String filter = "";
    private final List<String> orderBy = new ArrayList<>();
    private int maxResults = DEFAULT_MAX_RESULTS;
    private @Nullable String pageToken;
    private ViewType viewType = ViewType.ACTIVE_ONLY;

    private Builder() {}

    public Builder experimentIds(String... ids) {
      experimentIds.addAll(List.of(ids));
      return this;
    }

    public Builder experimentIds(List<String> ids) {
      experimentIds.addAll(ids);
      return this;
    }

    public Builder filter(String filter) {
      this.filter = filter;
      return this;
    }

    public Builder orderBy(String... clauses) {
      orderBy.addAll(List.of(clauses));
      return this;
    }

    public Builder maxResults(int maxResults) {
      this.maxResults = maxResults;
      return this;
    }

    public Builder pageToken(@Nullable String pageToken) {
      this.pageToken = pageToken;
      return this;
    }

    public Builder viewType(ViewType viewType) {
      this.viewType = viewType;
      return this;
    }

    public RunQuery build() {
      return new RunQuery(experimentIds, filter, orderBy, maxResults, pageToken, viewType);
    }
  }
}
