package dev.mlops.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.internal.artifacts.FakeTracking;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The model registry facade")
class DefaultModelRegistryTest {

  static final String RUN = "4f1c0a9e";
  static final String RUN_ROOT = "file:///data/mlruns/0/4f1c0a9e/artifacts";

  FakeRegistry backend;
  FakeTracking tracking;
  DefaultModelRegistry registry;

  @BeforeEach
  void setUp() {
    backend = new FakeRegistry();
    tracking = new FakeTracking().addRun(RUN, RUN_ROOT);
    registry = new DefaultModelRegistry(backend, tracking);
  }

  @Nested
  @DisplayName("validation")
  class ValidationTests {

    static Stream<Arguments> badCalls() {
      String longName = "m".repeat(257);
      String longText = "d".repeat(5001);
      String longValue = "v".repeat(8001);
      return Stream.of(
          bad("an empty model name", r -> r.createRegisteredModel(""), "must not be empty"),
          bad("a model name with '/'", r -> r.createRegisteredModel("a/b"), "'a/b'"),
          bad("a model name with '@'", r -> r.getRegisteredModel("a@b"), "'a@b'"),
          bad("a model name with ':'", r -> r.findRegisteredModel("a:b"), "'a:b'"),
          bad("a model name of 257 characters", r -> r.createRegisteredModel(longName), "257"),
          bad("a long description", r -> r.createRegisteredModel("m", longText, Map.of()), "5001"),
          bad("an empty tag key", r -> r.createRegisteredModel("m", null, Map.of("", "v")), "key"),
          bad("a tag key with '$'", r -> r.setRegisteredModelTag("m", "a$b", "v"), "'a$b'"),
          bad("a tag key with '..'", r -> r.setModelVersionTag("m", 1, "../x", "v"), "'../x'"),
          bad("a long tag value", r -> r.setRegisteredModelTag("m", "k", longValue), "8001"),
          bad("a renamed-to name with '/'", r -> r.renameRegisteredModel("m", "x/y"), "'x/y'"),
          bad("version 0", r -> r.getModelVersion("m", 0), "version 0"),
          bad("a negative version", r -> r.setAlias("m", "champion", -1), "-1"),
          bad("the alias 'latest'", r -> r.setAlias("m", "latest", 1), "'latest'"),
          bad("the alias 'v3'", r -> r.getModelVersionByAlias("m", "v3"), "'v3'"),
          bad("an alias with a space", r -> r.deleteAlias("m", "my alias"), "'my alias'"),
          bad("an empty alias", r -> r.setAlias("m", "", 1), "Alias must not be empty"),
          bad("an empty source", r -> r.registerModel(" ", "m"), "source must not be empty"),
          bad("a malformed runs source", r -> r.registerModel("runs://x/model", "m"), "runs://x"),
          bad("a runs source that escapes", r -> r.registerModel("runs:/abc/../x", "m"), "'..'"),
          bad("a malformed models source", r -> r.registerModel("models:/m", "n"), "models:/m"),
          bad(
              "a malformed run id",
              r -> r.createModelVersion("m", "s3://b/m", "a b", null, Map.of()),
              "'a b'"),
          bad("a long version description", r -> r.updateModelVersion("m", 1, longText), "5001"),
          bad(
              "a bad name for getLatestVersions",
              r -> r.getLatestVersions("", List.of(ModelStage.PRODUCTION)),
              "must not be empty"));
    }

    private static Arguments bad(
        String what, Consumer<DefaultModelRegistry> call, String messagePart) {
      return Arguments.of(what, call, messagePart);
    }

    @ParameterizedTest(name = "{0} is rejected before the backend is called")
    @MethodSource("badCalls")
    @DisplayName(
        "each bad input is an invalid input with a clear message, and the backend is never called")
    void rejected(String what, Consumer<DefaultModelRegistry> call, String messagePart) {
      assertThatThrownBy(() -> call.accept(registry))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(messagePart);
      assertThat(backend.calls()).isEmpty();
      assertThat(tracking.getRunCalls()).isZero();
    }
  }

  @Nested
  @DisplayName("not found")
  class NotFound {

    @Test
    @DisplayName("a missing registered model says how to create it")
    void missingModel() {
      assertThatThrownBy(() -> registry.getRegisteredModel("fraud"))
          .isInstanceOf(NotFoundException.class)
          .hasMessage(
              "Registered model 'fraud' not found; create it with"
                  + " registry.createRegisteredModel(\"fraud\") or registerModel(...).");
      assertThat(registry.findRegisteredModel("fraud")).isEmpty();
    }

    @Test
    @DisplayName("a missing version names the model and version")
    void missingVersion() {
      registry.createRegisteredModel("fraud");
      assertThatThrownBy(() -> registry.getModelVersion("fraud", 7))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Version 7 of registered model 'fraud' not found");
      assertThatThrownBy(() -> registry.getModelVersion("other", 1))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Registered model 'other' not found");
    }

    @Test
    @DisplayName("a missing alias names the model and alias and lists the aliases that exist")
    void missingAlias() {
      ModelVersion v = registry.registerModel("s3://bucket/model", "fraud");
      assertThatThrownBy(() -> registry.getModelVersionByAlias("fraud", "champion"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'champion'")
          .hasMessageContaining("'fraud'")
          .hasMessageContaining("no aliases yet");
      registry.setAlias("fraud", "challenger", v.version());
      registry.setAlias("fraud", "baseline", v.version());
      assertThatThrownBy(() -> registry.getModelVersionByAlias("fraud", "champion"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Alias 'champion' is not set on registered model 'fraud'")
          .hasMessageContaining("[baseline, challenger]");
    }

    @Test
    @DisplayName("registering from an unknown run is not found, and creates no model")
    void unknownRun() {
      assertThatThrownBy(() -> registry.registerModel("runs:/deadbeef/model", "fraud"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'deadbeef'");
      assertThat(registry.findRegisteredModel("fraud")).isEmpty();
    }
  }

  @Nested
  @DisplayName("registering")
  class Registering {

    @Test
    @DisplayName("a runs source is stored at the run's artifact URI plus the path, with the run id")
    void fromRun() {
      ModelVersion v = registry.registerModel("runs:/" + RUN + "/model", "fraud");
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.source()).isEqualTo("runs:/" + RUN + "/model");
      assertThat(v.runId()).isEqualTo(RUN);
      assertThat(backend.storageLocation("fraud", 1)).isEqualTo(RUN_ROOT + "/model");
      assertThat(registry.getRegisteredModel("fraud").name()).isEqualTo("fraud");
    }

    @Test
    @DisplayName("a second registration adds a version to the existing model")
    void secondVersion() {
      registry.registerModel("s3://bucket/a", "fraud");
      ModelVersion v2 = registry.registerModel("s3://bucket/b", "fraud");
      assertThat(v2.version()).isEqualTo(2);
      assertThat(backend.storageLocation("fraud", 2)).isEqualTo("s3://bucket/b");
      assertThat(v2.runId()).isNull();
    }

    @Test
    @DisplayName("a model created by someone else between the check and the create is used")
    void raceOnCreate() {
      registry.createRegisteredModel("fraud");
      backend.hideNextLookup();
      ModelVersion v = registry.registerModel("s3://bucket/a", "fraud");
      assertThat(v.version()).isEqualTo(1);
      assertThat(backend.calls())
          .containsSubsequence("getRegisteredModel", "createRegisteredModel", "createModelVersion");
    }

    @Test
    @DisplayName("an explicit run id wins over the one in the source")
    void explicitRunId() {
      registry.createRegisteredModel("fraud");
      ModelVersion v =
          registry.createModelVersion(
              "fraud", "runs:/" + RUN + "/model", "other1", "first", Map.of("team", "risk"));
      assertThat(v.runId()).isEqualTo("other1");
      assertThat(v.description()).isEqualTo("first");
      assertThat(v.tags()).containsEntry("team", "risk");
    }

    @Test
    @DisplayName("a models source is stored where the version it names is stored")
    void fromModelsUri() {
      registry.registerModel("runs:/" + RUN + "/model", "fraud");
      registry.setAlias("fraud", "champion", 1);
      registry.createRegisteredModel("fraud-copy");
      registry.createModelVersion("fraud-copy", "models:/fraud@champion", null, null, Map.of());
      assertThat(backend.storageLocation("fraud-copy", 1)).isEqualTo(RUN_ROOT + "/model");
    }

    @Test
    @DisplayName("aliases and stages are passed to the backend once valid")
    void aliasesAndStages() {
      registry.registerModel("s3://bucket/a", "fraud");
      registry.setAlias("fraud", "champion", 1);
      assertThat(registry.getModelVersionByAlias("fraud", "champion").aliases())
          .containsExactly("champion");
      ModelVersion moved =
          registry.transitionModelVersionStage("fraud", 1, ModelStage.PRODUCTION, false);
      assertThat(moved.stage()).isEqualTo(ModelStage.PRODUCTION);
      assertThat(registry.getLatestVersions("fraud", List.of(ModelStage.PRODUCTION)))
          .extracting(ModelVersion::version)
          .containsExactly(1);
      registry.deleteAlias("fraud", "champion");
      assertThatThrownBy(() -> registry.getModelVersionByAlias("fraud", "champion"))
          .isInstanceOf(NotFoundException.class);
    }
  }
}
