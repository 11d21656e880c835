package dev.mlops.internal.search;

import dev.mlops.internal.search.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a filter or order_by clause into {@link Token}s.
 *
 * <ul>
 *   <li>identifiers: a word ({@code [A-Za-z_][A-Za-z0-9_]*}) or a backticked name, optionally
 *       followed by a dot and a key; the key is backticked, double- or single-quoted, or bare
 *       ({@code [A-Za-z0-9_.:/-]+}), e.g. {@code metrics.rmse}, {@code tags."a b"}, {@code
 *       params.`lr/0`}, {@code `Run name`}
 *   <li>strings: {@code 'x'} or {@code "x"}; a doubled quote or a backslash before the quote (or
 *       before a backslash) stands for that character
 *   <li>numbers: {@code 1}, {@code -2.5}, {@code .5}, {@code 1e-3}
 *   <li>operators {@code = != < <= > >=} (and {@code == <>}, which the parser rejects with a hint),
 *       parentheses and commas
 * </ul>
 */
final class FilterLexer {
  private final SearchText source;
  private final String s;
  private int pos;

  private FilterLexer(SearchText source) {
    this.source = source;
    this.s = source.text();
  }

  /** The tokens of {@code source}, ending with one {@link Kind#END} token. */
  static List<Token> tokenize(SearchText source) {
    return new FilterLexer(source).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipWhitespace();
      if (pos >= s.length()) {
        tokens.add(new Token(Kind.END, "", "", null, false, s.length()));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = pos;
    char c = s.charAt(pos);
    if (isWordStart(c) || c == '`') {
      return identifier();
    }
    if (c == '\'' || c == '"') {
      String value = quoted(c, "string");
      return new Token(Kind.STRING, s.substring(start, pos), value, null, false, start);
    }
    if (startsNumber()) {
      return number();
    }
    switch (c) {
      case '(':
        pos++;
        return new Token(Kind.LEFT_PAREN, "(", "(", null, false, start);
      case ')':
        pos++;
        return new Token(Kind.RIGHT_PAREN, ")", ")", null, false, start);
      case ',':
        pos++;
        return new Token(Kind.COMMA, ",", ",", null, false, start);
      case '=':
      case '<':
      case '>':
      case '!':
        return operator();
      default:
        throw source.error(
            start,
            "unexpected character '"
                + c
                + "'. A filter is clauses like metrics.rmse < 0.8 joined by AND; quote keys"
                + " that contain special characters with backticks and values with single"
                + " quotes.");
    }
  }

  private Token identifier() {
    int start = pos;
    boolean quoted = s.charAt(pos) == '`';
    String first = quoted ? quoted('`', "name") : word();
    @Nullable String key = null;
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      key = key(start, first);
    }
    return new Token(Kind.IDENTIFIER, s.substring(start, pos), first, key, quoted, start);
  }

  private String key(int identifierStart, String prefix) {
    if (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '`' || c == '"' || c == '\'') {
        return quoted(c, "key");
      }
    }
    int start = pos;
    while (pos < s.length() && isBareKeyChar(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw source.error(
          identifierStart,
          "'"
              + prefix
              + ".' has no key after the dot: write e.g. "
              + prefix
              + ".my_key, or quote a key with special characters as "
              + prefix
              + ".`my key`.");
    }
    return s.substring(start, pos);
  }

  private String word() {
    int start = pos;
    while (pos < s.length() && isWordChar(s.charAt(pos))) {
      pos++;
    }
    return s.substring(start, pos);
  }

  /** Reads a quoted run starting at {@code pos}, returning its content with escapes resolved. */
  private String quoted(char quote, String what) {
    int start = pos;
    pos++;
    StringBuilder out = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\\'
          && pos + 1 < s.length()
          && (s.charAt(pos + 1) == quote || s.charAt(pos + 1) == '\\')) {
        out.append(s.charAt(pos + 1));
        pos += 2;
      } else if (c == quote && pos + 1 < s.length() && s.charAt(pos + 1) == quote) {
        out.append(quote);
        pos += 2;
      } else if (c == quote) {
        pos++;
        if (out.length() == 0 && quote == '`') {
          throw source.error(start, "the backticked " + what + " `` is empty.");
        }
        return out.toString();
      } else {
        out.append(c);
        pos++;
      }
    }
    throw source.error(
        start,
        "the "
            + what
            + " starting with "
            + quote
            + " is never closed: add a closing "
            + quote
            + ".");
  }

  private boolean startsNumber() {
    char c = s.charAt(pos);
    if (isDigit(c)) {
      return true;
    }
    int i = pos;
    if (c == '-' || c == '+') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
    }
    return i > pos && i < s.length() && isDigit(s.charAt(i));
  }

  private Token number() {
    int start = pos;
    if (s.charAt(pos) == '-' || s.charAt(pos) == '+') {
      pos++;
    }
    digits();
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      digits();
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
        pos++;
      }
      if (pos < s.length() && isDigit(s.charAt(pos))) {
        digits();
      } else {
        pos = mark;
      }
    }
    if (pos < s.length() && (isWordChar(s.charAt(pos)) || s.charAt(pos) == '.')) {
      int end = pos;
      while (end < s.length() && (isWordChar(s.charAt(end)) || s.charAt(end) == '.')) {
        end++;
      }
      throw source.error(
          start,
          "'"
              + s.substring(start, end)
              + "' is not a number: write numbers like 1, -2.5 or 1e-3, and quote strings as"
              + " 'text'.");
    }
    String text = s.substring(start, pos);
    return new Token(Kind.NUMBER, text, text, null, false, start);
  }

  private void digits() {
    while (pos < s.length() && isDigit(s.charAt(pos))) {
      pos++;
    }
  }

  private Token operator() {
    int start = pos;
    char c = s.charAt(pos);
    char n = pos + 1 < s.length() ? s.charAt(pos + 1) : '\0';
    String op;
    if ((c == '<' || c == '>' || c == '!' || c == '=') && n == '=') {
      op = "" + c + n;
    } else if (c == '<' && n == '>') {
      op = "<>";
    } else if (c == '!') {
      throw source.error(start, "'!' must be followed by '=': use != for \"not equal\".");
    } else {
      op = String.valueOf(c);
    }
    pos += op.length();
    return new Token(Kind.OPERATOR, op, op, null, false, start);
  }

  private void skipWhitespace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isWordChar(char c) {
    return isWordStart(c) || isDigit(c);
  }

  private static boolean isBareKeyChar(char c) {
    return isWordChar(c) || c == '.' || c == '-' || c == ':' || c == '/';
  }
}
