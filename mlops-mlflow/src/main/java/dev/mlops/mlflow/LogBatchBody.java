package dev.mlops.mlflow;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.mlops.Metric;
import dev.mlops.Param;
import dev.mlops.Tag;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code runs/log-batch}, encoded straight to UTF-8 bytes: the hot path of metric
 * logging (a thousand metrics per request), so no tree and no general-purpose generator. Each key's
 * {@code {"key":"...","value":} prefix is encoded once per body; doubles use the shortest
 * round-tripping form (Schubfach). Field names and types as in MLflow's {@code LogBatch} message;
 * int64 fields as JSON numbers. Strings are escaped as JSON requires: quote, backslash and control
 * characters, and a lone surrogate as {@code \\uXXXX}.
 */
final class LogBatchBody {

  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private LogBatchBody() {}

  static byte[] write(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    Out out = new Out(64 + metrics.size() * 72 + (params.size() + tags.size()) * 64);
    out.ascii("{\"run_id\":");
    out.string(runId);
    if (!metrics.isEmpty()) {
      out.ascii(",\"metrics\":[");
      Map<String, byte[]> prefixes = new HashMap<>();
      for (int i = 0; i < metrics.size(); i++) {
        Metric m = metrics.get(i);
        if (i > 0) {
          out.put((byte) ',');
        }
        out.put(prefixes.computeIfAbsent(m.key(), LogBatchBody::metricPrefix));
        out.ascii(NumberOutput.toString(m.value(), true));
        out.ascii(",\"timestamp\":");
        out.decimal(m.timestamp());
        out.ascii(",\"step\":");
        out.decimal(m.step());
        out.put((byte) '}');
      }
      out.put((byte) ']');
    }
    if (!params.isEmpty()) {
      out.ascii(",\"params\":[");
      for (int i = 0; i < params.size(); i++) {
        keyValue(out, i, params.get(i).key(), params.get(i).value());
      }
      out.put((byte) ']');
    }
    if (!tags.isEmpty()) {
      out.ascii(",\"tags\":[");
      for (int i = 0; i < tags.size(); i++) {
        keyValue(out, i, tags.get(i).key(), tags.get(i).value());
      }
      out.put((byte) ']');
    }
    out.put((byte) '}');
    return out.toByteArray();
  }

  private static byte[] metricPrefix(String key) {
    Out out = new Out(24 + key.length());
    out.ascii("{\"key\":");
    out.string(key);
    out.ascii(",\"value\":");
    return out.toByteArray();
  }

  private static void keyValue(Out out, int index, String key, String value) {
    if (index > 0) {
      out.put((byte) ',');
    }
    out.ascii("{\"key\":");
    out.string(key);
    out.ascii(",\"value\":");
    out.string(value);
    out.put((byte) '}');
  }

  /** A growable byte buffer with the few JSON encodings the body needs. */
  private static final class Out {
    private byte[] bytes;
    private int size;

    Out(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    void put(byte b) {
      ensure(1);
      bytes[size++] = b;
    }

    void put(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    /** Text known to be ASCII with nothing to escape (field names, numbers). */
    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        bytes[size++] = (byte) s.charAt(i);
      }
    }

    void decimal(long v) {
      if (v < 0) {
        if (v == Long.MIN_VALUE) {
          ascii(Long.toString(v));
          return;
        }
        put((byte) '-');
        v = -v;
      }
      ensure(19);
      int digits = 1;
      for (long p = 10; digits < 19 && v >= p; p *= 10) {
        digits++;
      }
      for (int i = size + digits - 1; i >= size; i--) {
        bytes[i] = (byte) ('0' + (int) (v % 10));
        v /= 10;
      }
      size += digits;
    }

    /** A JSON string: quoted, escaped, UTF-8. */
    void string(String s) {
      int n = s.length();
      ensure(n * 3 + 2);
      bytes[size++] = '"';
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          if (c == '"' || c == '\\') {
            ensure(2 + (n - i) * 3);
            bytes[size++] = '\\';
            bytes[size++] = (byte) c;
          } else if (c < 0x20) {
            escape(c, n - i);
          } else {
            bytes[size++] = (byte) c;
          }
        } else if (c < 0x800) {
          bytes[size++] = (byte) (0xC0 | (c >> 6));
          bytes[size++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          bytes[size++] = (byte) (0xF0 | (cp >> 18));
          bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          bytes[size++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          escape(c, n - i);
        } else {
          bytes[size++] = (byte) (0xE0 | (c >> 12));
          bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          bytes[size++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      ensure(1);
      bytes[size++] = '"';
    }

    /** {@code \\uXXXX} for {@code c}, keeping room for the {@code left} chars still to encode. */
    private void escape(char c, int left) {
      ensure(6 + left * 3);
      bytes[size++] = '\\';
      bytes[size++] = 'u';
      bytes[size++] = HEX[(c >> 12) & 0xF];
      bytes[size++] = HEX[(c >> 8) & 0xF];
      bytes[size++] = HEX[(c >> 4) & 0xF];
      bytes[size++] = HEX[c & 0xF];
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }
  }
}
