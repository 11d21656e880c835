package dev.mlops.internal.search;

import dev.mlops.InvalidInputException;
import dev.mlops.RunQuery;
import dev.mlops.internal.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opaque page tokens: base64url of {@code v1.<offset>.<check>}, where {@code check} is a hash of
 * the query's fingerprint and the offset. A token therefore only decodes for the query that
 * produced it, and an edited offset is detected.
 *
 * <p>The fingerprint is a hash of everything that selects and orders the rows (what is searched,
 * filter, order_by, experiment ids, view type) but not the page size, so a caller may change the
 * page size between pages.
 */
final class PageToken {
  private static final String VERSION = "v1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAX_OFFSET = Integer.MAX_VALUE - RunQuery.MAX_RESULTS_LIMIT - 1;

  private PageToken() {}

  /** A stable hash of the query parts, as hex. */
  static String fingerprint(
      String target, String filter, List<String> orderBy, List<String> ids, String viewType) {
    StringBuilder canonical = new StringBuilder();
    part(canonical, target);
    part(canonical, filter);
    canonical.append(orderBy.size()).append('[');
    orderBy.forEach(o -> part(canonical, o));
    canonical.append(ids.size()).append('[');
    ids.forEach(id -> part(canonical, id));
    part(canonical, viewType);
    return HexFormat.of().formatHex(sha256(canonical.toString()), 0, 16);
  }

  /** The token for the page starting at {@code offset} of the query with {@code fingerprint}. */
  static String encode(String fingerprint, int offset) {
    String payload = VERSION + "." + offset + "." + check(fingerprint, offset);
    return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The offset {@code token} points at; 0 for a null or empty token.
   *
   * @throws InvalidInputException when the token is garbage, edited, or from another query
   */
  static int offset(@Nullable String token, String fingerprint) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid(token, "is not base64url text");
    }
    if (!ENCODER.encodeToString(bytes).equals(token)) {
      throw invalid(token, "is not a page token of this store");
    }
    String payload = new String(bytes, StandardCharsets.UTF_8);
    String[] parts = payload.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw invalid(token, "is not a page token of this store");
    }
    int offset;
    try {
      offset = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw invalid(token, "has no valid offset");
    }
    if (offset < 0 || offset > MAX_OFFSET || !parts[2].equals(check(fingerprint, offset))) {
      throw invalid(
          token,
          "was edited or comes from a different query (the filter, order_by, experiment ids or"
              + " view type changed)");
    }
    return offset;
  }

  private static InvalidInputException invalid(String token, String reason) {
    return new InvalidInputException(
        "invalid page token; pass the token from the previous page of the same query. The token '"
            + Validation.abbreviate(token)
            + "' "
            + reason
            + ".");
  }

  private static String check(String fingerprint, int offset) {
    return HexFormat.of().formatHex(sha256(fingerprint + "." + offset), 0, 8);
  }

  private static void part(StringBuilder out, String value) {
    out.append(value.length()).append(':').append(value).append(';');
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
