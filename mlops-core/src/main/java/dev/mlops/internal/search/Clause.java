package dev.mlops.internal.search;

/**
 * One comparison of a filter, e.g. {@code metrics.rmse < 0.8}, as parsed, before it is checked
 * against what a search target supports.
 *
 * @param left the identifier token on the left
 * @param comparator the operator
 * @param comparatorStart where the operator starts in the filter
 * @param value the right-hand side
 * @param valueStart where the right-hand side starts in the filter
 */
record Clause(
    Token left, Comparator comparator, int comparatorStart, FilterValue value, int valueStart) {}
