package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.InvalidInputException;
import java.util.Map;

/** {@code runs:/<run_id>/<path>} URIs, resolved through the server's {@code runs/get}. */
final class RunsUri {

  private RunsUri() {}

  static boolean isRunsUri(String uri) {
    return uri.regionMatches(true, 0, "runs:/", 0, 6);
  }

  /** The run's artifact URI with the path appended. */
  static String resolve(String uri, RestClient rest) {
    String rest0 = uri.substring("runs:".length());
    while (rest0.startsWith("/")) {
      rest0 = rest0.substring(1);
    }
    int slash = rest0.indexOf('/');
    String runId = slash < 0 ? rest0 : rest0.substring(0, slash);
    String path = slash < 0 ? "" : rest0.substring(slash + 1);
    if (runId.isEmpty()) {
      throw new InvalidInputException(
          "'" + uri + "' names no run: expected runs:/<run_id>/<path>, e.g. runs:/abc123/model.");
    }
    JsonNode info = rest.get("mlflow/runs/get", Map.of("run_id", runId)).path("run").path("info");
    String root = Json.text(info, "artifact_uri");
    if (path.isEmpty()) {
      return root;
    }
    return root.endsWith("/") ? root + path : root + "/" + path;
  }
}
