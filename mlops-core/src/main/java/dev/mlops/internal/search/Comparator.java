package dev.mlops.internal.search;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The comparison operators of MLflow's filter grammar. */
enum Comparator {
  EQ("="),
  NE("!="),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">="),
  LIKE("LIKE"),
  ILIKE("ILIKE"),
  IN("IN"),
  NOT_IN("NOT IN");

  /** What metrics and numeric attributes accept. */
  static final Set<Comparator> NUMERIC =
      Collections.unmodifiableSet(EnumSet.of(EQ, NE, LT, LE, GT, GE));

  /** What params, tags and plain string attributes accept. */
  static final Set<Comparator> STRING =
      Collections.unmodifiableSet(EnumSet.of(EQ, NE, LIKE, ILIKE));

  /** What string attributes that take lists accept. */
  static final Set<Comparator> STRING_OR_LIST =
      Collections.unmodifiableSet(EnumSet.of(EQ, NE, LIKE, ILIKE, IN, NOT_IN));

  private final String symbol;

  Comparator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in a filter and in SQL, e.g. {@code <=} or {@code NOT IN}. */
  String symbol() {
    return symbol;
  }

  /** Whether the right-hand side is a parenthesised list. */
  boolean takesList() {
    return this == IN || this == NOT_IN;
  }

  /** {@code "= != LIKE ILIKE"}, for messages. */
  static String describe(Set<Comparator> comparators) {
    return comparators.stream().map(Comparator::symbol).collect(Collectors.joining(" "));
  }
}
