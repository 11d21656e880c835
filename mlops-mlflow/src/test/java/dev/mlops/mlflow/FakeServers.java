package dev.mlops.mlflow;

import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fake MLflow servers of one contract test: one per work directory, so that reopening on the
 * same directory finds the same server and data, and an {@link Mlops} pointed at each with fast
 * retries.
 */
final class FakeServers {

  private final Map<Path, FakeMlflowServer> servers = new HashMap<>();

  /** The server for {@code workDir}, started (and handed to {@code register}) on first use. */
  FakeMlflowServer serverFor(Path workDir, Function<FakeMlflowServer, FakeMlflowServer> register) {
    return servers.computeIfAbsent(
        workDir, d -> register.apply(FakeMlflowServer.start(d.resolve("fake-mlflow-server"))));
  }

  /** An {@link Mlops} tracking to {@code server}, working in {@code workDir}. */
  static Mlops open(FakeMlflowServer server, Path workDir) {
    return Mlops.builder()
        .trackingUri(server.uri())
        .workingDirectory(workDir)
        .cacheDir(workDir.resolve("cache"))
        .setting("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.01")
        .setting("MLFLOW_HTTP_REQUEST_MAX_BACKOFF", "0.05")
        .build();
  }

  /** Contract violations seen by every server so far. */
  List<String> violations() {
    List<String> all = new ArrayList<>();
    servers.values().forEach(s -> all.addAll(s.violations()));
    return all;
  }
}
