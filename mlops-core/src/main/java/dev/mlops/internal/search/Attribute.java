package dev.mlops.internal.search;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A column of the searched table that filters or order_by clauses may name.
 *
 * @param name the name users write, e.g. {@code start_time}
 * @param column the qualified SQL column, e.g. {@code runs.start_time}
 * @param numeric whether values are numbers (else quoted strings)
 * @param nullable whether the column may be NULL (NULLs sort last)
 * @param comparators the operators a filter may use on it
 */
record Attribute(
    String name, String column, boolean numeric, boolean nullable, Set<Comparator> comparators) {

  public Attribute {
    comparators = Collections.unmodifiableSet(EnumSet.copyOf(comparators));
  }

  static Attribute text(String name, String column, boolean nullable) {
    return new Attribute(name, column, false, nullable, Comparator.STRING);
  }

  static Attribute textOrList(String name, String column, Set<Comparator> comparators) {
    return new Attribute(name, column, false, false, comparators);
  }

  static Attribute number(String name, String column, boolean nullable) {
    return new Attribute(name, column, true, nullable, Comparator.NUMERIC);
  }
}
