package dev.mlops.internal.logging;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

/**
 * Turns the UTF-8 bytes of a key read from the journal into a {@code String}, reusing the one made
 * for the same bytes before: a run logs few distinct keys many times, so the worker need not
 * allocate a new string per point. A small direct-mapped table; a collision just makes a new
 * string. Used by one thread.
 */
final class KeyCache {

  private static final int SIZE = 256;
  private static final int MAX_CACHED_LENGTH = 64;

  private final byte[][] bytes = new byte[SIZE][];
  private final String[] strings = new String[SIZE];

  String key(byte[] buffer, int length) {
    if (length > MAX_CACHED_LENGTH) {
      return new String(buffer, 0, length, UTF_8);
    }
    int h = 1;
    for (int i = 0; i < length; i++) {
      h = 31 * h + buffer[i];
    }
    int slot = (h ^ (h >>> 16)) & (SIZE - 1);
    byte[] cached = bytes[slot];
    if (cached != null && Arrays.equals(cached, 0, cached.length, buffer, 0, length)) {
      return strings[slot];
    }
    String s = new String(buffer, 0, length, UTF_8);
    bytes[slot] = Arrays.copyOf(buffer, length);
    strings[slot] = s;
    return s;
  }
}
