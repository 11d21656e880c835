package dev.mlops.internal.search;

import dev.mlops.Page;
import java.util.List;

/**
 * A compiled search: one SQLite {@code SELECT} with its bind parameters, and what is needed to cut
 * the page and make the next token.
 *
 * <pre>{@code
 * Plan plan = SqlSearch.runs(query);
 * List<String> ids = new ArrayList<>();
 * try (PreparedStatement st = connection.prepareStatement(plan.sql())) {
 *   for (int i = 0; i < plan.params().size(); i++) st.setObject(i + 1, plan.params().get(i));
 *   try (ResultSet rs = st.executeQuery()) { while (rs.next()) ids.add(rs.getString(1)); }
 * }
 * Page<String> page = plan.page(ids);   // then load the runs on the page
 * }</pre>
 *
 * @param sql the statement; it fetches up to {@code pageSize + 1} rows so that a next page can be
 *     detected without a second query
 * @param params bind values in placeholder order: {@link String}, {@link Long}, {@link Double} or
 *     {@link Integer}, for {@code PreparedStatement.setObject(i + 1, p)}
 * @param pageSize the number of items on a page
 * @param offset the offset of this page's first row, from the page token
 * @param fingerprint identifies the query for page tokens
 */
public record Plan(String sql, List<Object> params, int pageSize, int offset, String fingerprint) {

  public Plan {
    params = List.copyOf(params);
    if (pageSize < 1 || offset < 0) {
      throw new IllegalArgumentException(
          "pageSize must be positive and offset not negative, got " + pageSize + " and " + offset);
    }
  }

  /**
   * Given the rows the SQL returned (the SQL fetches pageSize + 1 rows), the page with the next
   * token (null on the last page).
   */
  public <T> Page<T> page(List<T> rowsFetched) {
    if (rowsFetched.size() > pageSize) {
      return new Page<>(
          rowsFetched.subList(0, pageSize), PageToken.encode(fingerprint, offset + pageSize));
    }
    return new Page<>(rowsFetched, null);
  }
}
