package dev.mlops.internal.search;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One token of a filter or order_by clause, as produced by {@link FilterLexer}.
 *
 * <p>An {@link Kind#IDENTIFIER} covers a whole left-hand side such as {@code metrics.`my metric`}:
 * {@link #value} holds the part before the first dot (or the whole name when there is no dot) and
 * {@link #key} the part after it, both without their quotes. Keywords ({@code AND}, {@code LIKE},
 * {@code ASC}, ...) are unquoted identifiers without a dot; see {@link #isWord(String)}.
 *
 * @param kind what sort of token this is
 * @param text the token exactly as written in the source
 * @param value the unquoted, unescaped value: string content, number text, operator symbol, or the
 *     identifier's first part
 * @param key for an identifier with a dot, the unquoted part after the first dot
 * @param quoted whether an identifier's first part was quoted with backticks
 * @param start zero-based index of the token's first character in the source
 */
record Token(
    Kind kind, String text, String value, @Nullable String key, boolean quoted, int start) {

  /** Token kinds. */
  enum Kind {
    IDENTIFIER,
    STRING,
    NUMBER,
    OPERATOR,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    END
  }

  /** Whether this is the bare, unquoted word {@code word}, compared case-insensitively. */
  boolean isWord(String word) {
    return kind == Kind.IDENTIFIER
        && key == null
        && !quoted
        && value.toUpperCase(Locale.ROOT).equals(word);
  }

  /** How the token reads in an error message. */
  String describe() {
    return kind == Kind.END ? "the end of the text" : "'" + text + "'";
  }
}
