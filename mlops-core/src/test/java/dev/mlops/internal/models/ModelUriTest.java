package dev.mlops.internal.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.internal.artifacts.RunArtifact;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Model URI parsing")
class ModelUriTest {

  @Test
  @DisplayName("models:/<name>/<version> names a version")
  void version() {
    assertThat(ModelUri.parse("models:/fraud/3"))
        .isEqualTo(new ModelUri.Version("models:/fraud/3", "fraud", 3));
  }

  @Test
  @DisplayName("models:/<name>@<alias> names an alias")
  void alias() {
    assertThat(ModelUri.parse("models:/fraud-v2.1@champion"))
        .isEqualTo(new ModelUri.Alias("models:/fraud-v2.1@champion", "fraud-v2.1", "champion"));
  }

  @ParameterizedTest(name = "{0} is stage {1}")
  @CsvSource({
    "models:/fraud/Production, PRODUCTION",
    "models:/fraud/production, PRODUCTION",
    "models:/fraud/STAGING, STAGING",
    "models:/fraud/None, NONE",
    "models:/fraud/archived, ARCHIVED"
  })
  @DisplayName("stage names are read case-insensitively")
  void stage(String uri, ModelStage stage) {
    assertThat(ModelUri.parse(uri)).isEqualTo(new ModelUri.Stage(uri, "fraud", stage));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"models:/fraud/latest", "models:/fraud/Latest", "MODELS:/fraud/LATEST"})
  @DisplayName("models:/<name>/latest names the highest version")
  void latest(String uri) {
    assertThat(ModelUri.parse(uri)).isEqualTo(new ModelUri.Latest(uri, "fraud"));
  }

  @Test
  @DisplayName("runs:/<runId>/<path> names run artifacts")
  void run() {
    assertThat(ModelUri.parse("runs:/abc123/model"))
        .isEqualTo(new ModelUri.FromRun("runs:/abc123/model", new RunArtifact("abc123", "model")));
  }

  @ParameterizedTest(name = "''{0}'' is malformed")
  @ValueSource(
      strings = {
        "",
        "models:/",
        "models:/fraud",
        "models:/fraud/",
        "models:/fraud/3/extra",
        "models:/fraud/0",
        "models:/fraud/99999999999",
        "models:/fraud/Prod",
        "models://fraud/3",
        "models:fraud/3",
        "models:/fraud@",
        "models:/fraud@latest",
        "models:/fraud@v2",
        "models:/fraud@champ/x",
        "models:/@champion",
        "runs:/",
        "runs://abc/model",
        "s3://bucket/model",
        "/local/model"
      })
  @DisplayName("malformed URIs are invalid input with an example of each accepted form")
  void malformed(String uri) {
    assertThatThrownBy(() -> ModelUri.parse(uri))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'" + uri + "'")
        .hasMessageContaining("models:/fraud/3")
        .hasMessageContaining("models:/fraud@champion")
        .hasMessageContaining("models:/fraud/Production")
        .hasMessageContaining("models:/fraud/latest")
        .hasMessageContaining("runs:/4f1c0a9e2b7d4c1f8e3a6b5d0c9f1e2a/model");
  }

  @Test
  @DisplayName("the reason is specific: an unknown stage is named as such")
  void specificReason() {
    assertThatThrownBy(() -> ModelUri.parse("models:/fraud/Prod"))
        .hasMessageContaining("'Prod' is neither a version number, 'latest', nor a stage");
  }
}
