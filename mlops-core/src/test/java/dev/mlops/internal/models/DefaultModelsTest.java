package dev.mlops.internal.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.ResolvedModel;
import dev.mlops.internal.artifacts.FakeTracking;
import dev.mlops.internal.artifacts.TestStores;
import dev.mlops.internal.registry.DefaultModelRegistry;
import dev.mlops.internal.registry.FakeRegistry;
import dev.mlops.spi.RegistryBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Models: resolution and downloads")
class DefaultModelsTest {

  static final String RUN = "0a1b2c3d";

  @TempDir Path tmp;
  Path runRoot;
  String runRootUri;
  FakeRegistry backend;
  DefaultModels models;

  @BeforeEach
  void setUp() throws IOException {
    runRoot = tmp.resolve("mlruns/0/" + RUN + "/artifacts");
    for (String dir : new String[] {"model", "model2"}) {
      Files.createDirectories(runRoot.resolve(dir + "/data"));
      Files.writeString(runRoot.resolve(dir + "/MLmodel"), "flavors: {} # " + dir);
      Files.writeString(runRoot.resolve(dir + "/data/w.bin"), "0101");
    }
    runRootUri = runRoot.toUri().toString();
    FakeTracking tracking = new FakeTracking().addRun(RUN, runRootUri);
    backend = new FakeRegistry();
    DefaultModelRegistry registry = new DefaultModelRegistry(backend, tracking);
    registry.registerModel("runs:/" + RUN + "/model", "fraud");
    registry.registerModel("runs:/" + RUN + "/model2", "fraud");
    registry.setAlias("fraud", "champion", 1);
    registry.transitionModelVersionStage("fraud", 1, ModelStage.PRODUCTION, false);
    registry.createRegisteredModel("empty");
    models =
        new DefaultModels(() -> backend, tracking, TestStores.create(tmp), tmp.resolve("cache"));
  }

  @Nested
  @DisplayName("resolve")
  class Resolve {

    @Test
    @DisplayName(
        "a version, an alias, a stage and 'latest' resolve to the version and its storage location")
    void registered() {
      assertVersion(models.resolve("models:/fraud/1"), 1, "model");
      assertVersion(models.resolve("models:/fraud@champion"), 1, "model");
      assertVersion(models.resolve("models:/fraud/production"), 1, "model");
      assertVersion(models.resolve("models:/fraud/latest"), 2, "model2");
      assertVersion(models.resolve("models:/fraud/None"), 2, "model2");
    }

    private void assertVersion(ResolvedModel resolved, int version, String dir) {
      assertThat(resolved.modelVersion()).map(ModelVersion::version).contains(version);
      assertThat(resolved.artifactUri()).isEqualTo(runRootUri.replaceAll("/$", "") + "/" + dir);
    }

    @Test
    @DisplayName(
        "a runs URI resolves to the run's artifacts without a version, and without the registry")
    void run() {
      Supplier<RegistryBackend> noRegistry =
          () -> {
            throw new AssertionError("the registry must not be needed for runs:/ URIs");
          };
      DefaultModels runOnly =
          new DefaultModels(
              noRegistry,
              new FakeTracking().addRun(RUN, runRootUri),
              TestStores.create(tmp),
              tmp.resolve("cache"));
      ResolvedModel resolved = runOnly.resolve("runs:/" + RUN + "/model");
      assertThat(resolved.modelVersion()).isEmpty();
      assertThat(resolved.modelUri()).isEqualTo("runs:/" + RUN + "/model");
      assertThat(resolved.artifactUri()).endsWith("/artifacts/model");
      assertThat(runOnly.download("runs:/" + RUN + "/model").resolve("MLmodel"))
          .hasContent("flavors: {} # model");
    }

    @Test
    @DisplayName("what is missing is not found, with a message naming it")
    void missing() {
      assertThatThrownBy(() -> models.resolve("models:/fraud/9"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Version 9 of registered model 'fraud'");
      assertThatThrownBy(() -> models.resolve("models:/nope/1"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Registered model 'nope' not found");
      assertThatThrownBy(() -> models.resolve("models:/fraud@challenger"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("[champion]");
      assertThatThrownBy(() -> models.resolve("models:/fraud/Staging"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("in stage Staging");
      assertThatThrownBy(() -> models.resolve("models:/empty/latest"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("has no versions yet");
      assertThatThrownBy(() -> models.resolve("runs:/ffff/model"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'ffff'");
    }

    @Test
    @DisplayName("a malformed URI is invalid input and reaches no backend")
    void malformed() {
      assertThatThrownBy(() -> models.resolve("models:/fraud"))
          .isInstanceOf(InvalidInputException.class);
      assertThat(backend.calls()).doesNotContain("getModelVersionDownloadUri");
    }
  }

  @Nested
  @DisplayName("download")
  class Download {

    @Test
    @DisplayName("a version is downloaded once: the second call is served from the cache")
    void cached() throws IOException {
      Path first = models.download("models:/fraud/1");
      assertThat(first.getFileName().toString()).isEqualTo("model");
      assertThat(first.resolve("MLmodel")).hasContent("flavors: {} # model");
      assertThat(first.resolve("data/w.bin")).hasContent("0101");
      assertThat(first).startsWith(tmp.resolve("cache"));

      deleteTree(runRoot.resolve("model"));
      assertThat(runRoot.resolve("model")).doesNotExist();
      assertThat(models.download("models:/fraud/1")).isEqualTo(first);
      assertThat(models.download("models:/fraud@champion")).isEqualTo(first);
      assertThat(models.download("models:/fraud/Production")).isEqualTo(first);
    }

    @Test
    @DisplayName("different versions get different cache entries")
    void versionsSeparate() {
      Path v1 = models.download("models:/fraud/1");
      Path v2 = models.download("models:/fraud/latest");
      assertThat(v2).isNotEqualTo(v1);
      assertThat(v2.resolve("MLmodel")).hasContent("flavors: {} # model2");
    }

    @Test
    @DisplayName("a single-file artifact is cached as that file")
    void singleFile() {
      Path file = models.download("runs:/" + RUN + "/model/MLmodel");
      assertThat(file.getFileName().toString()).isEqualTo("MLmodel");
      assertThat(file).hasContent("flavors: {} # model");
    }

    @Test
    @DisplayName("a run's whole artifact root can be downloaded")
    void runRoot() {
      Path dir = models.download("runs:/" + RUN);
      assertThat(dir.resolve("model/MLmodel")).hasContent("flavors: {} # model");
    }

    @Test
    @DisplayName("a missing artifact is not found and leaves no cache entry")
    void missingArtifact() throws IOException {
      Path cache = tmp.resolve("cache");
      assertThatThrownBy(() -> models.download("runs:/" + RUN + "/nope"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("'nope'");
      try (Stream<Path> files = Files.walk(cache)) {
        assertThat(files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".lock")))
            .isEmpty();
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
