package dev.mlops.mlflow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.RegistryBackendProvider;
import dev.mlops.spi.TrackingBackend;
import dev.mlops.spi.TrackingBackendProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;

/**
 * A stateful fake MLflow tracking server on WireMock, for tests. It answers MLflow's REST API 2.0
 * (tracking, model registry, the {@code mlflow-artifacts} proxy) over the embedded SQLite store,
 * the way MLflow's own server answers over its SQL store.
 *
 * <p>Every request is held to MLflow's wire contract: JSON bodies (and GET query parameters) are
 * parsed with the strict {@code JsonFormat.parser()} into the official message classes of {@code
 * org.mlflow:mlflow-client}, and any deviation is recorded in {@link #violations()} (and answered
 * with 400). Every answer is printed from an official message; int64 fields alternate between the
 * proto3 string form and the JSON numbers real servers send, so clients must read both.
 *
 * <p>Faults: add WireMock stubs with a priority below {@link #FAKE_PRIORITY} through {@link
 * #wireMock()}, or use {@link #dropResponsesAfterProcessing} to lose answers of requests the fake
 * did carry out.
 */
final class FakeMlflowServer implements AutoCloseable {

  static final int FAKE_PRIORITY = 100;
  private static final String TRANSFORMER = "fake-mlflow";

  /** Handles one parsed request and returns the response message. */
  @FunctionalInterface
  interface Handler<B extends Message.Builder> {
    Message handle(B request) throws Exception;
  }

  /** Handles a raw request (artifact bytes) below a path prefix. */
  @FunctionalInterface
  interface RawHandler {
    ResponseDefinition handle(LoggedRequest request, String subPath) throws Exception;
  }

  /** An MLflow error answer. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private record Route(
      Supplier<? extends Message.Builder> builder, Handler<Message.Builder> handler) {}

  private final Map<String, Route> routes = new LinkedHashMap<>();
  private final Map<String, RawHandler> rawRoutes = new LinkedHashMap<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicLong responses = new AtomicLong();
  private final AtomicInteger dropsLeft = new AtomicInteger();
  private volatile Predicate<String> dropWhen = call -> false;
  private final TestContext storeContext;
  private final TrackingBackend tracking;
  private final RegistryBackend registry;
  private final FakeArtifacts artifacts;
  private final WireMockServer wireMock;
  private final int port = freePort();

  private FakeMlflowServer(Path dir) {
    storeContext =
        new TestContext(
            "sqlite:///" + dir.resolve("fake-mlflow.db").toAbsolutePath(),
            dir,
            Map.of(),
            "mlflow-artifacts:/");
    tracking = provider(TrackingBackendProvider.class, "sqlite").create(storeContext);
    registry = provider(RegistryBackendProvider.class, "sqlite").create(storeContext);
    artifacts = new FakeArtifacts(dir.resolve("artifact-store"));
    wireMock =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(port)
                .disableRequestJournal()
                .gzipDisabled(true)
                .containerThreads(24)
                .extensions(new Transformer()));
    new FakeTrackingRoutes(this, tracking).register();
    new FakeRegistryRoutes(this, registry, tracking).register();
    artifacts.register(this);
    wireMock.start();
    wireMock.stubFor(
        any(anyUrl())
            .atPriority(FAKE_PRIORITY)
            .willReturn(aResponse().withTransformers(TRANSFORMER)));
  }

  /** Stops listening: clients get refused connections until {@link #startListening()}. */
  void stopListening() {
    wireMock.stop();
  }

  /** Listens again on the same port, with the same state and stubs. */
  void startListening() {
    wireMock.start();
  }

  private static int freePort() {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Starts a fake with an empty store under {@code dir}. */
  static FakeMlflowServer start(Path dir) {
    return new FakeMlflowServer(dir);
  }

  /** {@code http://127.0.0.1:<port>}. */
  String uri() {
    return "http://127.0.0.1:" + port;
  }

  WireMockServer wireMock() {
    return wireMock;
  }

  FakeArtifacts artifacts() {
    return artifacts;
  }

  /** Requests that broke MLflow's wire contract, with the reason. Empty when all were valid. */
  List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  /** How many requests reached {@code "METHOD /api/2.0/..."} so far. */
  int calls(String methodAndPath) {
    AtomicInteger n = calls.get(methodAndPath);
    return n == null ? 0 : n.get();
  }

  /** Requests the fake answered, across endpoints. */
  long totalCalls() {
    return responses.get();
  }

  /** Every endpoint reached at least once, as {@code "METHOD path"}. */
  List<String> endpointsCalled() {
    return calls.keySet().stream().sorted().toList();
  }

  /**
   * The next {@code count} requests matching {@code when} ({@code "METHOD path"}) are carried out,
   * then their answer is lost: the connection is reset instead.
   */
  void dropResponsesAfterProcessing(int count, Predicate<String> when) {
    dropWhen = when;
    dropsLeft.set(count);
  }

  <B extends Message.Builder> void route(
      String method, String path, Supplier<B> builder, Handler<B> handler) {
    @SuppressWarnings("unchecked")
    Handler<Message.Builder> h = (Handler<Message.Builder>) handler;
    routes.put(method + " /api/2.0/" + path, new Route(builder, h));
  }

  void rawRoute(String method, String pathPrefix, RawHandler handler) {
    rawRoutes.put(method + " " + pathPrefix, handler);
  }

  @Override
  public void close() throws Exception {
    try {
      wireMock.stop();
    } finally {
      try {
        registry.close();
        tracking.close();
      } finally {
        storeContext.close();
      }
    }
  }

  private static <P> P provider(Class<P> type, String scheme) {
    for (P p : ServiceLoader.load(type)) {
      Object schemes =
          p instanceof TrackingBackendProvider t
              ? t.schemes()
              : ((RegistryBackendProvider) p).schemes();
      if (((java.util.Set<?>) schemes).contains(scheme)) {
        return p;
      }
    }
    throw new IllegalStateException("No " + type.getSimpleName() + " for " + scheme);
  }

  // ---- dispatch

  private ResponseDefinition dispatch(LoggedRequest request) {
    String rawUrl = request.getUrl();
    int q = rawUrl.indexOf('?');
    String path = decodePath(q < 0 ? rawUrl : rawUrl.substring(0, q));
    String method = request.getMethod().getName();
    String call = method + " " + path;
    Route route = routes.get(call);
    try {
      ResponseDefinition answer;
      if (route != null) {
        calls.computeIfAbsent(call, k -> new AtomicInteger()).incrementAndGet();
        Message.Builder builder =
            parse(request, method, q < 0 ? "" : rawUrl.substring(q + 1), route);
        answer =
            json(200, ProtoJson.print(route.handler().handle(builder), responses.get() % 2 == 0));
      } else {
        answer = raw(request, method, path);
      }
      responses.incrementAndGet();
      if (dropWhen.test(call) && dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return ResponseDefinitionBuilder.like(answer)
            .withFault(Fault.CONNECTION_RESET_BY_PEER)
            .build();
      }
      return answer;
    } catch (ApiError e) {
      return error(e.status, e.code, e.getMessage());
    } catch (NotFoundException e) {
      return error(404, "RESOURCE_DOES_NOT_EXIST", e.getMessage());
    } catch (AlreadyExistsException e) {
      return error(400, "RESOURCE_ALREADY_EXISTS", e.getMessage());
    } catch (InvalidInputException e) {
      return error(400, "INVALID_PARAMETER_VALUE", e.getMessage());
    } catch (MlopsException e) {
      return error(500, "INTERNAL_ERROR", e.getMessage());
    } catch (Exception e) {
      violations.add(call + ": the fake failed: " + e);
      return error(500, "INTERNAL_ERROR", e.toString());
    }
  }

  private Message.Builder parse(LoggedRequest request, String method, String query, Route route) {
    Message.Builder builder = route.builder().get();
    String call = method + " " + request.getUrl();
    try {
      if (method.equals("GET")) {
        ProtoJson.parseStrict(
            ProtoJson.queryAsJson(queryParameters(query), builder.getDescriptorForType()), builder);
      } else {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
          violations.add(call + ": Content-Type is " + contentType + ", not application/json");
        }
        ProtoJson.parseStrict(request.getBodyAsString(), builder);
      }
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      violations.add(call + ": " + e.getMessage() + " in " + request.getBodyAsString());
      throw new ApiError(400, "BAD_REQUEST", "Malformed request: " + e.getMessage());
    }
  }

  private ResponseDefinition raw(LoggedRequest request, String method, String path)
      throws Exception {
    for (Map.Entry<String, RawHandler> e : rawRoutes.entrySet()) {
      String key = e.getKey();
      String prefix = key.substring(key.indexOf(' ') + 1);
      if (key.startsWith(method + " ") && (path.equals(prefix) || path.startsWith(prefix + "/"))) {
        calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        String sub = path.length() > prefix.length() ? path.substring(prefix.length() + 1) : "";
        return e.getValue().handle(request, sub);
      }
    }
    violations.add("no such endpoint: " + method + " " + path);
    return error(404, "ENDPOINT_NOT_FOUND", "No API endpoint " + method + " " + path);
  }

  /** Parses a raw route's JSON body strictly into {@code builder}, recording a violation if not. */
  <B extends Message.Builder> B parseBody(LoggedRequest request, B builder) {
    try {
      return ProtoJson.parseStrict(request.getBodyAsString(), builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      violations.add(request.getMethod() + " " + request.getUrl() + ": " + e.getMessage());
      throw new ApiError(400, "BAD_REQUEST", "Malformed request: " + e.getMessage());
    }
  }

  static Map<String, List<String>> queryParameters(String query) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return params;
  }

  private static String decodePath(String raw) {
    String[] parts = raw.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    return String.join("/", parts);
  }

  static ResponseDefinition json(int status, String body) {
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body)
        .build();
  }

  static ResponseDefinition error(int status, String code, @Nullable String message) {
    return json(
        status,
        Json.write(Json.object().put("error_code", code).put("message", String.valueOf(message))));
  }

  private final class Transformer implements ResponseDefinitionTransformerV2 {
    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      return dispatch(serveEvent.getRequest());
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return TRANSFORMER;
    }
  }
}
