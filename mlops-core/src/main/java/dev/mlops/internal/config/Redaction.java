package dev.mlops.internal.config;

import java.util.regex.Pattern;

/** Removes credentials from URIs and text before they reach a log line or an exception. */
public final class Redaction {

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");
  private static final Pattern SECRET_QUERY =
      Pattern.compile("(?i)((?:token|secret|password|signature|key|credential)[^=&\\s]*=)[^&\\s]+");

  private Redaction() {}

  /** {@code https://user:pw@host/x?token=abc} becomes {@code https://***@host/x?token=***}. */
  public static String uri(String uri) {
    String s = USER_INFO.matcher(uri).replaceAll("***@");
    return SECRET_QUERY.matcher(s).replaceAll("$1***");
  }
}
