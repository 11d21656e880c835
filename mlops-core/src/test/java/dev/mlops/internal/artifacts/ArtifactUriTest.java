package dev.mlops.internal.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Artifact URI parsing")
class ArtifactUriTest {

  @ParameterizedTest(name = "{0} is run {1}, path ''{2}''")
  @CsvSource({
    "runs:/abc123/model, abc123, model",
    "runs:///abc123/model/MLmodel, abc123, model/MLmodel",
    "runs:/abc123, abc123, ''",
    "runs:/abc123/, abc123, ''",
    "RUNS:/abc123/./model//data, abc123, model/data"
  })
  @DisplayName("runs URIs give the run id and the normalised path")
  void runsUris(String uri, String runId, String path) {
    RunArtifact parsed = ArtifactUri.parseRuns(uri);
    assertThat(parsed).isEqualTo(new RunArtifact(runId, path));
  }

  @ParameterizedTest(name = "''{0}'' is malformed")
  @ValueSource(
      strings = {
        "runs:/",
        "runs://abc/model",
        "runs:abc/model",
        "runs:/abc/../x",
        "runs:/a b/x",
        "s3://x"
      })
  @DisplayName("malformed runs URIs are invalid input showing the expected form")
  void badRunsUris(String uri) {
    assertThatThrownBy(() -> ArtifactUri.parseRuns(uri))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Malformed runs URI")
        .hasMessageContaining("runs:/<run_id>/<path>");
  }

  @Test
  @DisplayName("the canonical form of a run artifact round-trips")
  void canonical() {
    assertThat(new RunArtifact("abc", "model").uri()).isEqualTo("runs:/abc/model");
    assertThat(new RunArtifact("abc", "").uri()).isEqualTo("runs:/abc");
  }

  @ParameterizedTest(name = "{0} splits into {1} + ''{2}''")
  @CsvSource({
    "file:///data/run/model, file:///data/run, model",
    "file:/data/run/model/, file:/data/run, model",
    "file:/model, file:/, model",
    "file:///model, file:///, model",
    "s3://bucket/exp/model, s3://bucket/exp, model",
    "s3://bucket/model, s3://bucket/, model",
    "s3://bucket, s3://bucket, ''",
    "s3://bucket/, s3://bucket/, ''",
    "mlflow-artifacts:/0/abc/artifacts, mlflow-artifacts:/0/abc, artifacts",
    "file:///data/my%20model, file:///data, my model",
    "/data/run/model, /data/run, model",
    "mlruns/0/model, mlruns/0, model",
    "model, ., model"
  })
  @DisplayName("a concrete URI splits into its parent and last segment")
  void split(String uri, String root, String path) {
    assertThat(ArtifactUri.split(uri)).isEqualTo(new ArtifactLocation(root, path));
  }

  @Test
  @DisplayName("joining adds exactly one slash and leaves the root alone for an empty path")
  void join() {
    assertThat(ArtifactUri.join("s3://b/a", "model")).isEqualTo("s3://b/a/model");
    assertThat(ArtifactUri.join("s3://b/a/", "model")).isEqualTo("s3://b/a/model");
    assertThat(ArtifactUri.join("file:/", "model")).isEqualTo("file:/model");
    assertThat(ArtifactUri.join("/", "model")).isEqualTo("/model");
    assertThat(ArtifactUri.join("s3://b/a/", "")).isEqualTo("s3://b/a/");
  }
}
