package dev.mlops.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * MD5 helpers for S3 ETags. The ETag of an object written in one request is the hex MD5 of its
 * bytes; that of a multipart object is the MD5 of its parts' binary MD5s, then {@code -} and the
 * part count. Objects encrypted with SSE-KMS or SSE-C have other ETags and are not checked.
 */
final class Checksums {

  private static final Pattern PLAIN = Pattern.compile("^[0-9a-f]{32}$");
  private static final Pattern MULTIPART = Pattern.compile("^[0-9a-f]{32}-(\\d+)$");

  private Checksums() {}

  static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }

  /** The ETag without quotes, lowercase; "" for null. */
  static String etag(@Nullable String raw) {
    if (raw == null) {
      return "";
    }
    String e = raw.trim();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e.toLowerCase(java.util.Locale.ROOT);
  }

  static boolean isPlainMd5(String etag) {
    return PLAIN.matcher(etag).matches();
  }

  /** The part count of a multipart ETag, or -1. */
  static int multipartCount(String etag) {
    var m = MULTIPART.matcher(etag);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static String base64(byte[] digest) {
    return Base64.getEncoder().encodeToString(digest);
  }

  /** The multipart ETag of parts with these MD5s. */
  static String multipartEtag(List<byte[]> partMd5s) {
    MessageDigest all = md5();
    for (byte[] d : partMd5s) {
      all.update(d);
    }
    return hex(all.digest()) + "-" + partMd5s.size();
  }

  /** The MD5 of a file's first {@code length} bytes. */
  static byte[] md5(Path file, long length) throws IOException {
    MessageDigest md = md5();
    byte[] buf = new byte[64 * 1024];
    long left = length;
    try (InputStream in = Files.newInputStream(file)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(
              file + " ended after " + (length - left) + " of " + length + " bytes");
        }
        md.update(buf, 0, n);
        left -= n;
      }
    }
    return md.digest();
  }
}
