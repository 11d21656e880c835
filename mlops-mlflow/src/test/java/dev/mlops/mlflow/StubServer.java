package dev.mlops.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Map;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;

/**
 * A WireMock server with canned MLflow answers printed from official messages, and a strict look at
 * what was sent: {@link #sent} parses the last request to an endpoint into the official message
 * class, failing on any unknown or mistyped field.
 */
final class StubServer implements AutoCloseable {

  private final WireMockServer wireMock =
      new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

  StubServer() {
    wireMock.start();
  }

  String uri() {
    return "http://127.0.0.1:" + wireMock.port();
  }

  WireMockServer wireMock() {
    return wireMock;
  }

  /** Answers {@code method path} with {@code response}, int64 fields as strings or numbers. */
  void answer(String method, String path, Message response, boolean int64AsNumbers) {
    answer(method, path, 200, ProtoJson.print(response, int64AsNumbers));
  }

  void answer(String method, String path, int status, String body) {
    wireMock.stubFor(
        request(method, urlPathEqualTo(path))
            .willReturn(
                aResponse()
                    .withStatus(status)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)));
  }

  /** Requests that reached {@code method path}, oldest first. */
  List<LoggedRequest> requests(String method, String path) {
    return wireMock.findAll(
        new com.github.tomakehurst.wiremock.matching.RequestPatternBuilder(
            com.github.tomakehurst.wiremock.http.RequestMethod.fromString(method),
            urlPathEqualTo(path)));
  }

  /**
   * The last request to {@code method path}, parsed strictly into {@code builder}: the JSON body,
   * or for GET the query parameters as MLflow's server reads them.
   */
  <B extends Message.Builder> B sent(String method, String path, B builder)
      throws InvalidProtocolBufferException {
    List<LoggedRequest> all = requests(method, path);
    if (all.isEmpty()) {
      throw new AssertionError("No request reached " + method + " " + path);
    }
    LoggedRequest last = all.get(all.size() - 1);
    if (method.equals("GET")) {
      String url = last.getUrl();
      int q = url.indexOf('?');
      Map<String, List<String>> query =
          FakeMlflowServer.queryParameters(q < 0 ? "" : url.substring(q + 1));
      return ProtoJson.parseStrict(
          ProtoJson.queryAsJson(query, builder.getDescriptorForType()), builder);
    }
    String contentType = last.getHeader("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      throw new AssertionError(method + " " + path + " was sent as " + contentType);
    }
    return ProtoJson.parseStrict(last.getBodyAsString(), builder);
  }

  @Override
  public void close() {
    wireMock.stop();
  }
}
