package dev.mlops.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mlops.BackendUnavailableException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.Param;
import dev.mlops.PermissionDeniedException;
import dev.mlops.spi.TrackingBackend;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misconfiguration and hostile answers: each fails with a message that says what to do. */
@DisplayName("The MLflow backend with bad input and bad answers")
class BadInputTest {

  private static final String TOKEN = "s3cr3t-t0ken-value";
  private static final String GET_EXPERIMENT = "/api/2.0/mlflow/experiments/get";

  @TempDir Path dir;
  private StubServer stubs;
  private final List<TestContext> contexts = new java.util.ArrayList<>();

  @BeforeEach
  void start() {
    stubs = new StubServer();
  }

  @AfterEach
  void stop() throws Exception {
    for (TestContext c : contexts) {
      c.close();
    }
    stubs.close();
  }

  private TrackingBackend backend(String uri, Map<String, String> settings) {
    Map<String, String> s = new HashMap<>(settings);
    s.putIfAbsent("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1");
    TestContext c = TestContext.fastRetries(uri, dir, s);
    contexts.add(c);
    return new MlflowTrackingProvider().create(c);
  }

  private TrackingBackend backend() {
    return backend(stubs.uri(), Map.of());
  }

  private void answer(int status, String contentType, String body) {
    stubs
        .wireMock()
        .stubFor(
            any(anyUrl())
                .willReturn(
                    aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", contentType)
                        .withBody(body)));
  }

  @Test
  @DisplayName("1. a tracking URI without a host is rejected with an example of a good one")
  void uriWithoutHost() {
    assertThatThrownBy(() -> backend("http://", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a valid http(s) URL")
        .hasMessageContaining("http://mlflow:5000");
  }

  @Test
  @DisplayName("2. a tracking URI with a non-numeric port is rejected")
  void badPort() {
    assertThatThrownBy(() -> backend("http://mlflow:port5000", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("http://mlflow:port5000");
  }

  @Test
  @DisplayName("3. a databricks:// URI says to use the workspace URL and a token")
  void databricksProfile() {
    assertThatThrownBy(() -> backend("databricks://profile", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("https://<workspace-host>")
        .hasMessageContaining("MLFLOW_TRACKING_TOKEN");
  }

  @Test
  @DisplayName(
      "4. a server that refuses connections is BackendUnavailable, telling to check it runs")
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TrackingBackend b = backend("http://127.0.0.1:" + port, Map.of());
    assertThatThrownBy(() -> b.getExperiment("1"))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("cannot connect to http://127.0.0.1:" + port)
        .hasMessageContaining("2 attempts")
        .hasMessageContaining("server is running");
  }

  @Test
  @DisplayName("5. an unknown host fails at once, naming the host")
  void unknownHost() {
    TrackingBackend b = backend("http://no-such-host.invalid:5000", Map.of());
    assertThatThrownBy(() -> b.getExperiment("1"))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("unknown host")
        .hasMessageContaining("no-such-host.invalid");
  }

  @Test
  @DisplayName(
      "6. a wrong token (401 from an auth proxy) is PermissionDenied with a hint, not the token")
  void wrongToken() {
    answer(401, "text/plain", "You are not authenticated. Please provide valid credentials.");
    TrackingBackend b = backend(stubs.uri(), Map.of("MLFLOW_TRACKING_TOKEN", TOKEN));
    assertThatThrownBy(() -> b.getExperiment("1"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("a bearer token (MLFLOW_TRACKING_TOKEN)")
        .hasMessageContaining("Check MLFLOW_TRACKING_TOKEN")
        .hasMessageNotContaining(TOKEN);
    stubs
        .wireMock()
        .verify(
            getRequestedFor(urlPathEqualTo(GET_EXPERIMENT))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  @DisplayName("7. MLflow's PERMISSION_DENIED keeps the server's message and adds the hint")
  void permissionDenied() {
    answer(
        403,
        "application/json",
        "{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"User 'bob' cannot read experiment 1\"}");
    TrackingBackend b =
        backend(
            stubs.uri(),
            Map.of("MLFLOW_TRACKING_USERNAME", "bob", "MLFLOW_TRACKING_PASSWORD", "hunter2"));
    assertThatThrownBy(() -> b.getExperiment("1"))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("User 'bob' cannot read experiment 1")
        .hasMessageContaining("MLFLOW_TRACKING_USERNAME")
        .hasMessageNotContaining("hunter2");
    stubs
        .wireMock()
        .verify(
            getRequestedFor(urlPathEqualTo(GET_EXPERIMENT))
                .withHeader("Authorization", equalTo("Basic Ym9iOmh1bnRlcjI=")));
  }

  @Test
  @DisplayName("8. credentials never show in toString of settings or backends")
  void noSecretsInToString() {
    TestContext c =
        TestContext.fastRetries(
            "http://user:pw-in-uri@127.0.0.1:1", dir, Map.of("MLFLOW_TRACKING_TOKEN", TOKEN));
    contexts.add(c);
    ServerAddress address = ServerAddress.parse(c.uri());
    ClientSettings settings = ClientSettings.read(c, address.userInfo());
    TrackingBackend b = new MlflowTrackingProvider().create(c);

    assertThat(settings.toString() + address + b).doesNotContain(TOKEN).doesNotContain("pw-in-uri");
    assertThat(settings.authorization()).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  @DisplayName(
      "9. an HTML 502 page from a proxy is BackendUnavailable with status and a text excerpt")
  void htmlFromProxy() {
    answer(
        502,
        "text/html",
        "<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>");
    assertThatThrownBy(() -> backend().getExperiment("1"))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("HTTP 502")
        .hasMessageContaining("\"502 Bad Gateway nginx\"")
        .hasMessageNotContaining("<h1>");
  }

  @Test
  @DisplayName("10. a 200 login page instead of JSON is reported as such, not as a parse error")
  void loginPage() {
    answer(200, "text/html", "<html><body><form>Sign in to continue</form></body></html>");
    assertThatThrownBy(() -> backend().getExperiment("1"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("not MLflow JSON")
        .hasMessageContaining("Sign in to continue")
        .hasMessageContaining("login page");
  }

  @Test
  @DisplayName("11. a bare 404 (wrong path prefix) says no MLflow API answered there")
  void wrongPrefix() {
    answer(404, "text/plain", "Not Found");
    assertThatThrownBy(() -> backend().getExperiment("1"))
        .isExactlyInstanceOf(MlopsException.class)
        .hasMessageContaining("No MLflow REST API answered at this address");
  }

  @Test
  @DisplayName(
      "12. a 413 from a proxy on an oversize batch is InvalidInput naming the size problem")
  void payloadTooLarge() {
    answer(413, "text/html", "<html><body>413 Request Entity Too Large</body></html>");
    assertThatThrownBy(
            () ->
                backend()
                    .logBatch("r", List.of(), List.of(new Param("p", "x".repeat(5000))), List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("HTTP 413")
        .hasMessageContaining("larger than the server or a proxy accepts");
  }

  @Test
  @DisplayName("13. an oversize value refused by the server keeps MLflow's explanation")
  void oversizeValue() {
    answer(
        400,
        "application/json",
        "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Param value 'xxx' had length 7000,"
            + " which exceeded length limit of 6000\"}");
    assertThatThrownBy(
            () ->
                backend()
                    .logBatch("r", List.of(), List.of(new Param("p", "x".repeat(7000))), List.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("exceeded length limit of 6000")
        .hasMessageContaining("runs/log-batch");
  }

  @Test
  @DisplayName("14. a user name without a password is rejected naming the missing setting")
  void userWithoutPassword() {
    assertThatThrownBy(() -> backend(stubs.uri(), Map.of("MLFLOW_TRACKING_USERNAME", "bob")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLFLOW_TRACKING_PASSWORD is not set");
  }

  @Test
  @DisplayName("15. malformed timeout, retry and TLS settings name the setting and the bad value")
  void badSettings() {
    assertThatThrownBy(() -> backend(stubs.uri(), Map.of("MLFLOW_HTTP_REQUEST_TIMEOUT", "ten")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLFLOW_HTTP_REQUEST_TIMEOUT")
        .hasMessageContaining("'ten'");
    assertThatThrownBy(() -> backend(stubs.uri(), Map.of("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "-1")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLFLOW_HTTP_REQUEST_MAX_RETRIES");
    assertThatThrownBy(() -> backend(stubs.uri(), Map.of("MLFLOW_TRACKING_INSECURE_TLS", "maybe")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLFLOW_TRACKING_INSECURE_TLS must be 'true' or 'false'");
  }

  @Test
  @DisplayName("16. a CA file that is missing or not PEM is rejected naming the file")
  void badCertificateFile() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThatThrownBy(
            () ->
                backend(
                    stubs.uri(),
                    Map.of(
                        "MLFLOW_TRACKING_SERVER_CERT_PATH", dir.resolve("missing.pem").toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("missing.pem")
        .hasMessageContaining("not a readable file");
    assertThatThrownBy(
            () ->
                backend(stubs.uri(), Map.of("MLFLOW_TRACKING_SERVER_CERT_PATH", notPem.toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("ca.pem");
  }

  @Test
  @DisplayName(
      "17. https to a self-signed server fails with a TLS hint; insecure TLS then connects")
  void selfSignedTls() {
    WireMockServer tls =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .dynamicHttpsPort());
    tls.start();
    try {
      tls.stubFor(
          any(anyUrl())
              .willReturn(
                  aResponse()
                      .withHeader("Content-Type", "application/json")
                      .withBody("{\"experiment\":{\"experiment_id\":\"1\",\"name\":\"tls\"}}")));
      String uri = "https://127.0.0.1:" + tls.httpsPort();
      assertThatThrownBy(() -> backend(uri, Map.of()).getExperiment("1"))
          .isInstanceOf(BackendUnavailableException.class)
          .hasMessageContaining("TLS handshake")
          .hasMessageContaining("MLFLOW_TRACKING_SERVER_CERT_PATH");
      assertThat(
              backend(uri, Map.of("MLFLOW_TRACKING_INSECURE_TLS", "true"))
                  .getExperiment("1")
                  .orElseThrow()
                  .name())
          .isEqualTo("tls");
    } finally {
      tls.stop();
    }
  }

  @Test
  @DisplayName("18. artifact URIs that are not on an MLflow artifacts proxy are rejected clearly")
  void badArtifactUris() {
    assertThatThrownBy(() -> ArtifactLocation.parse("https://files.example.com/x", stubs.uri()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("/api/2.0/mlflow-artifacts/artifacts");
    assertThatThrownBy(
            () -> ArtifactLocation.parse("mlflow-artifacts:/1/run", "sqlite:///mlflow.db"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("names no server")
        .hasMessageContaining("mlflow-artifacts://<host>:<port>/<path>");
  }
}
