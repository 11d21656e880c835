package dev.mlops;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of search results. Pass {@link #nextPageToken()} to the same query to get the next page;
 * tokens are opaque and only valid for the query that produced them.
 *
 * @param items the results on this page
 * @param nextPageToken null on the last page
 */
public record Page<T>(List<T> items, @Nullable String nextPageToken) {
  public Page {
    items = List.copyOf(items);
  }

  /** The token for the next page, empty on the last page. */
  public Optional<String> next() {
    return Optional.ofNullable(nextPageToken);
  }

  /** Whether there are more results after this page. */
  public boolean hasNext() {
    return nextPageToken != null;
  }
}
