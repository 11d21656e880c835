package dev.mlops.benchmarks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal MLflow tracking server on the JDK's HTTP server: answers the calls the three ways make,
 * counts requests after {@link #reset()} and the metric points they carried.
 */
final class MlflowStubServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong points = new AtomicLong();

  private MlflowStubServer(HttpServer server) {
    this.server = server;
  }

  static MlflowStubServer start() throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK, adding ~40 ms to every request: a slow stub, not a slow client.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    MlflowStubServer stub = new MlflowStubServer(http);
    http.createContext("/", stub::handle);
    http.setExecutor(stub.executor);
    http.start();
    return stub;
  }

  String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void reset() {
    requests.set(0);
    points.set(0);
  }

  long requests() {
    return requests.get();
  }

  long points() {
    return points.get();
  }

  MlflowLoggingBenchmark.Result result(long startNanos) {
    return new MlflowLoggingBenchmark.Result(
        (System.nanoTime() - startNanos) / 1e9, requests.get(), points.get());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      requests.incrementAndGet();
      String path = exchange.getRequestURI().getPath();
      String answer = answer(path, body);
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private String answer(String path, byte[] body) throws IOException {
    String experiment =
        "{\"experiment_id\":\"1\",\"name\":\"bench\",\"artifact_location\":\"mlflow-artifacts:/1\","
            + "\"lifecycle_stage\":\"active\"}";
    switch (path) {
      case "/api/2.0/mlflow/runs/log-metric" -> points.incrementAndGet();
      case "/api/2.0/mlflow/runs/log-batch" -> points.addAndGet(countMetrics(body));
      case "/api/2.0/mlflow/experiments/get", "/api/2.0/mlflow/experiments/get-by-name" -> {
        return "{\"experiment\":" + experiment + "}";
      }
      case "/api/2.0/mlflow/experiments/create" -> {
        return "{\"experiment_id\":\"1\"}";
      }
      case "/api/2.0/mlflow/runs/create", "/api/2.0/mlflow/runs/get" -> {
        String id = UUID.randomUUID().toString().replace("-", "");
        return "{\"run\":{\"info\":{\"run_id\":\""
            + id
            + "\",\"run_uuid\":\""
            + id
            + "\",\"experiment_id\":\"1\",\"run_name\":\"bench\",\"status\":\"RUNNING\","
            + "\"start_time\":1,\"artifact_uri\":\"mlflow-artifacts:/1/"
            + id
            + "/artifacts\",\"lifecycle_stage\":\"active\"},\"data\":{}}}";
      }
      default -> {}
    }
    return "{}";
  }

  /**
   * The number of entries in the top-level {@code metrics} array, counted with a streaming parser
   * that builds nothing and converts no numbers: the stub should cost as little as it can, so the
   * clients' own costs are what the three ways compare.
   */
  private static int countMetrics(byte[] body) throws IOException {
    int count = 0;
    try (JsonParser p = JSON.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("log-batch body is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("metrics") && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            count++;
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return count;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
