package dev.mlops.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * An HTTP client that fails chosen requests with an {@link IOException}, as a dropped connection
 * would, or corrupts their response, and counts attempts per request kind.
 */
final class FaultyHttpClient implements SdkHttpClient {

  private final SdkHttpClient delegate = ApacheHttpClient.create();
  private final BiPredicate<SdkHttpRequest, Integer> fail;
  private final BiPredicate<SdkHttpRequest, Integer> corrupt;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /**
   * @param fail given a request and its attempt number (1-based, per {@link #name}), whether to
   *     fail it
   */
  FaultyHttpClient(BiPredicate<SdkHttpRequest, Integer> fail) {
    this(fail, (r, n) -> false);
  }

  /**
   * @param corrupt likewise, whether to flip a bit in the first byte of the response body, as a
   *     faulty disk or proxy would
   */
  FaultyHttpClient(
      BiPredicate<SdkHttpRequest, Integer> fail, BiPredicate<SdkHttpRequest, Integer> corrupt) {
    this.fail = fail;
    this.corrupt = corrupt;
  }

  /** "PUT partNumber=3", "GET", "HEAD", ...: what attempts are counted by. */
  static String name(SdkHttpRequest r) {
    String part = r.firstMatchingRawQueryParameter("partNumber").orElse(null);
    String range = r.firstMatchingHeader("Range").orElse(null);
    return r.method()
        + (part != null ? " partNumber=" + part : "")
        + (range != null ? " " + range : "");
  }

  static String partNumber(SdkHttpRequest r) {
    return r.firstMatchingRawQueryParameter("partNumber").orElse("");
  }

  int attempts(String name) {
    AtomicInteger n = attempts.get(name);
    return n == null ? 0 : n.get();
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    SdkHttpRequest r = request.httpRequest();
    int attempt = attempts.computeIfAbsent(name(r), k -> new AtomicInteger()).incrementAndGet();
    if (fail.test(r, attempt)) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          throw new IOException("injected connection failure for " + name(r));
        }

        @Override
        public void abort() {}
      };
    }
    ExecutableHttpRequest real = delegate.prepareRequest(request);
    if (!corrupt.test(r, attempt)) {
      return real;
    }
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        HttpExecuteResponse response = real.call();
        AbortableInputStream body = response.responseBody().orElseThrow();
        InputStream flipped =
            new FilterInputStream(body) {
              private boolean done;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && !done) {
                  b[off] ^= 1;
                  done = true;
                }
                return n;
              }
            };
        return HttpExecuteResponse.builder()
            .response(response.httpResponse())
            .responseBody(AbortableInputStream.create(flipped, body))
            .build();
      }

      @Override
      public void abort() {
        real.abort();
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }
}
