package dev.mlops.internal.search;

/**
 * One parsed order_by clause, e.g. {@code metrics.rmse DESC}.
 *
 * @param key the identifier token to order by
 * @param ascending false when the clause ends with {@code DESC}
 */
record OrderTerm(Token key, boolean ascending) {}
