package dev.mlops.internal.search;

import java.math.BigDecimal;
import java.util.List;

/** The right-hand side of a filter clause. */
sealed interface FilterValue {

  /** A quoted string, already unquoted and unescaped. */
  record Text(String value) implements FilterValue {}

  /**
   * A numeric literal.
   *
   * @param text as written
   * @param value its exact value
   */
  record Numeric(String text, BigDecimal value) implements FilterValue {

    /** The value as a double (metric values are doubles). */
    double asDouble() {
      return value.doubleValue();
    }

    /** A {@link Long} when the value is a whole number that fits, else a {@link Double}. */
    Object asLongOrDouble() {
      try {
        return value.longValueExact();
      } catch (ArithmeticException notWhole) {
        return value.doubleValue();
      }
    }
  }

  /** A parenthesised list of quoted strings, for {@code IN} and {@code NOT IN}. */
  record TextList(List<String> values) implements FilterValue {
    public TextList {
      values = List.copyOf(values);
    }
  }
}
