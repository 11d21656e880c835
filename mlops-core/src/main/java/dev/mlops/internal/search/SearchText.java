package dev.mlops.internal.search;

import dev.mlops.InvalidInputException;

/**
 * A filter or order_by clause being parsed, kept so that every error can quote it and point at the
 * offending character.
 *
 * @param what what the text is, for messages: {@code "filter"} or {@code "order_by clause"}
 * @param text the text as the caller wrote it
 */
record SearchText(String what, String text) {

  static SearchText filter(String text) {
    return new SearchText("filter", text);
  }

  static SearchText orderBy(String text) {
    return new SearchText("order_by clause", text);
  }

  /**
   * An error about the character at {@code position}: {@code Invalid filter "<text>": at character
   * <n>, <problem>}.
   */
  InvalidInputException error(int position, String problem) {
    return new InvalidInputException(
        "Invalid " + what + " \"" + text + "\": at character " + (position + 1) + ", " + problem);
  }

  /** An error about the text as a whole. */
  InvalidInputException error(String problem) {
    return new InvalidInputException("Invalid " + what + " \"" + text + "\": " + problem);
  }
}
