package dev.mlops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A search over experiments, registered models or model versions, in MLflow's filter grammar.
 *
 * <ul>
 *   <li>experiments: {@code name}, {@code creation_time}, {@code last_update_time}, {@code
 *       tags.<key>}; order by the same
 *   <li>registered models: {@code name}, {@code tags.<key>}; order by {@code name}, {@code
 *       last_updated_timestamp}, {@code creation_timestamp}
 *   <li>model versions: {@code name}, {@code version_number}, {@code run_id}, {@code source_path},
 *       {@code tags.<key>}; order by the same plus timestamps
 * </ul>
 *
 * <pre>{@code
 * Page<RegisteredModel> page = registry.searchRegisteredModels(
 *     SearchQuery.builder().filter("name LIKE 'fraud%'").orderBy("name ASC").build());
 * }</pre>
 *
 * @param filter the filter, empty for everything
 * @param orderBy order clauses
 * @param maxResults page size, 1 to 50,000; default 1,000
 * @param pageToken token from a previous page, null for the first
 * @param viewType which lifecycle stages to include (experiments only)
 */
public record SearchQuery(
    String filter,
    List<String> orderBy,
    int maxResults,
    @Nullable String pageToken,
    ViewType viewType) {

  public SearchQuery {
    orderBy = List.copyOf(orderBy);
    if (maxResults < 1 || maxResults > RunQuery.MAX_RESULTS_LIMIT) {
      throw new InvalidInputException(
          "maxResults must be between 1 and "
              + RunQuery.MAX_RESULTS_LIMIT
              + ", got "
              + maxResults
              + ".");
    }
  }

  /** Everything active, first page, default page size. */
  public static SearchQuery all() {
    return builder().build();
  }

  /** A query with only a filter. */
  public static SearchQuery filter(String filter) {
    return builder().filter(filter).build();
  }

  /** The page token, empty for the first page. */
  public Optional<String> page() {
    return Optional.ofNullable(pageToken);
  }

  /** The same query, asking for the page after the one that returned {@code token}. */
  public SearchQuery withPageToken(@Nullable String token) {
    return new SearchQuery(filter, orderBy, maxResults, token, viewType);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SearchQuery}; every part is optional. */
  public static final class Builder {
    private String filter = "";
    private final List<String> orderBy = new ArrayList<>();
    private int maxResults = RunQuery.DEFAULT_MAX_RESULTS;
    private @Nullable String pageToken;
    private ViewType viewType = ViewType.ACTIVE_ONLY;

    private Builder() {}

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

    public SearchQuery build() {
      return new SearchQuery(filter, orderBy, maxResults, pageToken, viewType);
    }
  }
}
