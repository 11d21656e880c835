package dev.mlops.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mlops.ActiveRun;
import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.ModelRegistry;
import dev.mlops.ModelStage;
import dev.mlops.ModelVersion;
import dev.mlops.NotFoundException;
import dev.mlops.Page;
import dev.mlops.RegisteredModel;
import dev.mlops.ResolvedModel;
import dev.mlops.SearchQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model registry contract: registered models, versions, aliases, stages, and resolution of
 * {@code models:/} and {@code runs:/} URIs through {@link Mlops#models()}. A backend runs it with a
 * short subclass that opens an {@link Mlops} on a fresh store whose tracking side can hold runs and
 * their artifacts (versions are registered from real runs).
 *
 * <pre>{@code
 * class EmbeddedRegistryContractTest extends RegistryBackendContract {
 *   @Override
 *   protected Mlops openMlops(Path workDir) {
 *     return Mlops.builder()
 *         .trackingUri("sqlite:///" + workDir.resolve("mlflow.db").toAbsolutePath())
 *         .workingDirectory(workDir)
 *         .cacheDir(workDir.resolve("cache"))
 *         .build();
 *   }
 * }
 * }</pre>
 *
 * <p>Model names start with a prefix unique to each test. The kit closes every {@link Mlops} it
 * opens.
 */
public abstract class RegistryBackendContract extends MlopsContract {

  /** The content of the {@code MLmodel} file every test model holds. */
  protected static final String MLMODEL = "artifact_path: model\nflavors:\n  onnx: {}\n";

  /** The content of the {@code data/weights.bin} file every test model holds. */
  protected static final String WEIGHTS = "0123456789weights";

  /** The current test's registry. */
  protected final ModelRegistry registry() {
    return mlops().registry();
  }

  // ---- helpers

  /** A finished run holding {@code model/MLmodel} and {@code model/data/weights.bin}; its id. */
  protected final String runWithModel() {
    try (ActiveRun run = mlops().tracking().startRun(name("training"))) {
      run.logText(MLMODEL, "model/MLmodel");
      run.logText(WEIGHTS, "model/data/weights.bin");
      run.logParam("alpha", "0.5");
      return run.runId();
    }
  }

  /** A local directory holding the test model's files; its {@code file:} URI. */
  protected final String plainModelUri(String dirName) {
    Path dir = workDir().resolve(dirName);
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("MLmodel"), MLMODEL, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("data/weights.bin"), WEIGHTS, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.toUri().toString();
  }

  /** Registers {@code count} versions of {@code model} from one run; returns the run id. */
  private String versions(String model, int count) {
    String runId = runWithModel();
    for (int i = 0; i < count; i++) {
      registry().registerModel("runs:/" + runId + "/model", model);
    }
    return runId;
  }

  private List<String> modelNames(SearchQuery query) {
    List<String> names = new ArrayList<>();
    Page<RegisteredModel> page = registry().searchRegisteredModels(query);
    page.items().forEach(m -> names.add(m.name()));
    while (page.hasNext()) {
      page = registry().searchRegisteredModels(query.withPageToken(page.nextPageToken()));
      page.items().forEach(m -> names.add(m.name()));
    }
    return names;
  }

  private List<Integer> versionNumbers(SearchQuery query) {
    List<Integer> numbers = new ArrayList<>();
    Page<ModelVersion> page = registry().searchModelVersions(query);
    page.items().forEach(v -> numbers.add(v.version()));
    while (page.hasNext()) {
      page = registry().searchModelVersions(query.withPageToken(page.nextPageToken()));
      page.items().forEach(v -> numbers.add(v.version()));
    }
    return numbers;
  }

  private static void assertHoldsModel(Path dir) throws IOException {
    assertThat(dir).isDirectory();
    assertThat(Files.readString(dir.resolve("MLmodel"), StandardCharsets.UTF_8)).isEqualTo(MLMODEL);
    assertThat(Files.readString(dir.resolve("data/weights.bin"), StandardCharsets.UTF_8))
        .isEqualTo(WEIGHTS);
  }

  // ---- registered models

  /** Creating, finding, renaming, describing, tagging, searching and deleting models. */
  @Nested
  @DisplayName("Registered models")
  class RegisteredModels {

    @Test
    @DisplayName("a created model is found by name with its description and tags and no aliases")
    void createAndGet() {
      registry().createRegisteredModel(name("fraud"), "detects fraud", Map.of("team", "risk"));

      RegisteredModel m = registry().getRegisteredModel(name("fraud"));
      assertThat(m.name()).isEqualTo(name("fraud"));
      assertThat(m.description()).isEqualTo("detects fraud");
      assertThat(m.tags()).containsEntry("team", "risk");
      assertThat(m.aliases()).isEmpty();
      assertThat(m.creationTimestamp()).isPositive();
      assertThat(registry().findRegisteredModel(name("fraud"))).contains(m);
    }

    @Test
    @DisplayName("a model created without a description has none")
    void noDescription() {
      registry().createRegisteredModel(name("plain"));

      assertThat(registry().getRegisteredModel(name("plain")).describe()).isEmpty();
    }

    @Test
    @DisplayName("creating a model with a name already taken fails naming the name")
    void duplicate() {
      registry().createRegisteredModel(name("fraud"));

      assertThatThrownBy(() -> registry().createRegisteredModel(name("fraud")))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining(name("fraud"));
    }

    @Test
    @DisplayName("an unknown model is not found, with a message naming it")
    void unknown() {
      assertThatThrownBy(() -> registry().getRegisteredModel(name("missing")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(name("missing"));
      assertThat(registry().findRegisteredModel(name("missing"))).isEmpty();
    }

    @Test
    @DisplayName("a renamed model is found only by its new name, and its versions follow")
    void rename() {
      versions(name("old"), 2);

      RegisteredModel renamed = registry().renameRegisteredModel(name("old"), name("new"));

      assertThat(renamed.name()).isEqualTo(name("new"));
      assertThat(registry().findRegisteredModel(name("old"))).isEmpty();
      assertThat(registry().getModelVersion(name("new"), 2).name()).isEqualTo(name("new"));
      assertThatThrownBy(() -> registry().getModelVersion(name("old"), 1))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("renaming a model to a name already taken fails and changes nothing")
    void renameToTaken() {
      registry().createRegisteredModel(name("a"));
      registry().createRegisteredModel(name("b"));

      assertThatThrownBy(() -> registry().renameRegisteredModel(name("a"), name("b")))
          .isInstanceOf(AlreadyExistsException.class)
          .hasMessageContaining(name("b"));
      assertThat(registry().findRegisteredModel(name("a"))).isPresent();
    }

    @Test
    @DisplayName("updating the description replaces it")
    void updateDescription() {
      registry().createRegisteredModel(name("m"), "first", Map.of());

      RegisteredModel updated = registry().updateRegisteredModel(name("m"), "second");

      assertThat(updated.description()).isEqualTo("second");
      assertThat(registry().getRegisteredModel(name("m")).description()).isEqualTo("second");
    }

    @Test
    @DisplayName("a model tag is set, overwritten and deleted")
    void tags() {
      registry().createRegisteredModel(name("m"));

      registry().setRegisteredModelTag(name("m"), "team", "risk");
      registry().setRegisteredModelTag(name("m"), "team", "ops");
      registry().setRegisteredModelTag(name("m"), "tmp", "x");
      registry().deleteRegisteredModelTag(name("m"), "tmp");

      assertThat(registry().getRegisteredModel(name("m")).tags())
          .containsEntry("team", "ops")
          .doesNotContainKey("tmp");
    }

    @Test
    @DisplayName("searching models by name pattern walks every page in name order")
    void searchPages() {
      for (String s : List.of("m3", "m1", "m5", "m2", "m4")) {
        registry().createRegisteredModel(name(s));
      }
      SearchQuery q =
          SearchQuery.builder()
              .filter("name LIKE '" + name("m") + "%'")
              .orderBy("name ASC")
              .maxResults(2)
              .build();

      Page<RegisteredModel> first = registry().searchRegisteredModels(q);

      assertThat(first.items()).hasSize(2);
      assertThat(first.hasNext()).isTrue();
      assertThat(modelNames(q))
          .containsExactly(name("m1"), name("m2"), name("m3"), name("m4"), name("m5"));
    }

    @Test
    @DisplayName(
        "searching models by exact name, by tag and in descending order finds the right ones")
    void searchFilters() {
      registry().createRegisteredModel(name("a"), null, Map.of("team", "risk"));
      registry().createRegisteredModel(name("b"), null, Map.of("team", "ops"));
      registry().createRegisteredModel(name("c"), null, Map.of("team", "risk"));

      assertThat(modelNames(SearchQuery.filter("name = '" + name("b") + "'")))
          .containsExactly(name("b"));
      assertThat(
              modelNames(
                  SearchQuery.builder()
                      .filter("name LIKE '" + prefix() + "%' AND tags.team = 'risk'")
                      .orderBy("name DESC")
                      .build()))
          .containsExactly(name("c"), name("a"));
    }

    @Test
    @DisplayName("a deleted model is gone together with its versions")
    void delete() {
      versions(name("doomed"), 2);

      registry().deleteRegisteredModel(name("doomed"));

      assertThat(registry().findRegisteredModel(name("doomed"))).isEmpty();
      assertThatThrownBy(() -> registry().getModelVersion(name("doomed"), 1))
          .isInstanceOf(NotFoundException.class);
      assertThat(versionNumbers(SearchQuery.filter("name = '" + name("doomed") + "'"))).isEmpty();
    }
  }

  // ---- versions

  /** Model versions: creation from runs and plain URIs, numbering, updates, tags and search. */
  @Nested
  @DisplayName("Model versions")
  class Versions {

    @Test
    @DisplayName("registering a runs:/ source creates the model and version 1 pointing at the run")
    void registerFromRun() {
      String runId = runWithModel();

      ModelVersion v = registry().registerModel("runs:/" + runId + "/model", name("fraud"));

      assertThat(v.name()).isEqualTo(name("fraud"));
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.source()).isEqualTo("runs:/" + runId + "/model");
      assertThat(v.runId()).isEqualTo(runId);
      assertThat(v.status()).isEqualTo("READY");
      assertThat(v.stage()).isEqualTo(ModelStage.NONE);
      assertThat(v.aliases()).isEmpty();
      assertThat(v.modelUri()).isEqualTo("models:/" + name("fraud") + "/1");
      assertThat(registry().findRegisteredModel(name("fraud"))).isPresent();
      assertThat(registry().getModelVersion(name("fraud"), 1)).isEqualTo(v);
    }

    @Test
    @DisplayName("a version created from a plain artifact URI keeps that source and has no run")
    void createFromPlainUri() {
      String source = plainModelUri("plain-model");
      registry().createRegisteredModel(name("plain"));

      ModelVersion v =
          registry().createModelVersion(name("plain"), source, null, "from disk", Map.of("k", "v"));

      assertThat(v.version()).isEqualTo(1);
      assertThat(v.source()).isEqualTo(source);
      assertThat(v.runId()).isNull();
      assertThat(v.description()).isEqualTo("from disk");
      assertThat(v.tags()).containsEntry("k", "v");
    }

    @Test
    @DisplayName("creating a version of an unknown model fails with NotFoundException naming it")
    void createForUnknownModel() {
      String source = plainModelUri("plain-model");

      assertThatThrownBy(
              () -> registry().createModelVersion(name("missing"), source, null, null, Map.of()))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(name("missing"));
    }

    @Test
    @DisplayName(
        "versions are numbered 1, 2, 3, and numbering continues after the newest is deleted")
    void numbering() {
      versions(name("m"), 3);

      registry().deleteModelVersion(name("m"), 3);
      ModelVersion next = registry().registerModel(plainModelUri("again"), name("m"));

      assertThat(next.version()).isEqualTo(4);
      assertThat(versionNumbers(SearchQuery.filter("name = '" + name("m") + "'")))
          .containsExactlyInAnyOrder(1, 2, 4);
    }

    @Test
    @DisplayName("a deleted version is not found, naming the version")
    void deletedVersion() {
      versions(name("m"), 2);

      registry().deleteModelVersion(name("m"), 1);

      assertThatThrownBy(() -> registry().getModelVersion(name("m"), 1))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("1");
      assertThat(registry().getModelVersion(name("m"), 2).version()).isEqualTo(2);
    }

    @Test
    @DisplayName("an unknown version of a known model is not found, naming model and version")
    void unknownVersion() {
      versions(name("m"), 1);

      assertThatThrownBy(() -> registry().getModelVersion(name("m"), 7))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(name("m"))
          .hasMessageContaining("7");
    }

    @Test
    @DisplayName("updating a version's description replaces it")
    void updateDescription() {
      versions(name("m"), 1);

      ModelVersion updated = registry().updateModelVersion(name("m"), 1, "validated");

      assertThat(updated.description()).isEqualTo("validated");
      assertThat(registry().getModelVersion(name("m"), 1).description()).isEqualTo("validated");
    }

    @Test
    @DisplayName("a version tag is set, overwritten and deleted")
    void tags() {
      versions(name("m"), 1);

      registry().setModelVersionTag(name("m"), 1, "check", "pending");
      registry().setModelVersionTag(name("m"), 1, "check", "passed");
      registry().setModelVersionTag(name("m"), 1, "tmp", "x");
      registry().deleteModelVersionTag(name("m"), 1, "tmp");

      assertThat(registry().getModelVersion(name("m"), 1).tags())
          .containsEntry("check", "passed")
          .doesNotContainKey("tmp");
    }

    @Test
    @DisplayName("versions are searched by model name, by run id and in descending version order")
    void search() {
      String runA = versions(name("m"), 2);
      String runB = versions(name("m"), 1);
      versions(name("other"), 1);

      assertThat(
              versionNumbers(
                  SearchQuery.builder()
                      .filter("name = '" + name("m") + "'")
                      .orderBy("version_number DESC")
                      .build()))
          .containsExactly(3, 2, 1);
      assertThat(versionNumbers(SearchQuery.filter("run_id = '" + runA + "'")))
          .containsExactlyInAnyOrder(1, 2);
      assertThat(versionNumbers(SearchQuery.filter("run_id = '" + runB + "'"))).containsExactly(3);
    }

    @Test
    @DisplayName("searching versions one per page walks every version once")
    void searchPages() {
      versions(name("m"), 5);
      SearchQuery q =
          SearchQuery.builder().filter("name = '" + name("m") + "'").maxResults(1).build();

      assertThat(versionNumbers(q)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }
  }

  // ---- aliases

  /** Aliases: setting, moving, deleting, reading, and the names that are reserved. */
  @Nested
  @DisplayName("Aliases")
  class Aliases {

    @BeforeEach
    void requireCapability() {
      assumeThat(capabilities().supportsAliases()).as("backend supports aliases").isTrue();
    }

    @Test
    @DisplayName("an alias leads to its version and shows on the version and on the model")
    void setAndGet() {
      versions(name("m"), 2);

      registry().setAlias(name("m"), "champion", 2);

      ModelVersion v = registry().getModelVersionByAlias(name("m"), "champion");
      assertThat(v.version()).isEqualTo(2);
      assertThat(v.aliases()).containsExactly("champion");
      assertThat(registry().getModelVersion(name("m"), 2).aliases()).containsExactly("champion");
      assertThat(registry().getRegisteredModel(name("m")).aliases())
          .containsExactlyEntriesOf(Map.of("champion", 2));
    }

    @Test
    @DisplayName("setting an alias again moves it to the new version")
    void move() {
      versions(name("m"), 2);
      registry().setAlias(name("m"), "champion", 1);

      registry().setAlias(name("m"), "champion", 2);

      assertThat(registry().getModelVersionByAlias(name("m"), "champion").version()).isEqualTo(2);
      assertThat(registry().getModelVersion(name("m"), 1).aliases()).isEmpty();
      assertThat(registry().getRegisteredModel(name("m")).aliases()).containsEntry("champion", 2);
    }

    @Test
    @DisplayName("two aliases may point at one version")
    void twoAliases() {
      versions(name("m"), 1);

      registry().setAlias(name("m"), "champion", 1);
      registry().setAlias(name("m"), "prod-eu", 1);

      assertThat(registry().getModelVersion(name("m"), 1).aliases())
          .containsExactlyInAnyOrder("champion", "prod-eu");
    }

    @Test
    @DisplayName("a deleted alias is not found any more, naming the alias")
    void delete() {
      versions(name("m"), 1);
      registry().setAlias(name("m"), "champion", 1);

      registry().deleteAlias(name("m"), "champion");

      assertThatThrownBy(() -> registry().getModelVersionByAlias(name("m"), "champion"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("champion");
      assertThat(registry().getRegisteredModel(name("m")).aliases()).isEmpty();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @DisplayName("a reserved or malformed alias is rejected and no alias is written")
    @ValueSource(strings = {"latest", "LATEST", "v3", "V12", "bad alias!", "a/b", ""})
    void invalidAlias(String alias) {
      versions(name("m"), 1);

      assertThatThrownBy(() -> registry().setAlias(name("m"), alias, 1))
          .isInstanceOf(InvalidInputException.class);
      assertThat(registry().getRegisteredModel(name("m")).aliases()).isEmpty();
    }

    @Test
    @DisplayName("an alias on a version that does not exist fails with NotFoundException")
    void aliasOnMissingVersion() {
      versions(name("m"), 1);

      assertThatThrownBy(() -> registry().setAlias(name("m"), "champion", 9))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("9");
      assertThat(registry().getRegisteredModel(name("m")).aliases()).isEmpty();
    }

    @Test
    @DisplayName("deleting a version removes the aliases that pointed at it")
    void deleteVersionDropsAliases() {
      versions(name("m"), 2);
      registry().setAlias(name("m"), "champion", 1);
      registry().setAlias(name("m"), "challenger", 2);

      registry().deleteModelVersion(name("m"), 1);

      assertThat(registry().getRegisteredModel(name("m")).aliases())
          .containsExactlyEntriesOf(Map.of("challenger", 2));
      assertThatThrownBy(() -> registry().getModelVersionByAlias(name("m"), "champion"))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("aliases follow a renamed model")
    void renameKeepsAliases() {
      versions(name("old"), 1);
      registry().setAlias(name("old"), "champion", 1);

      registry().renameRegisteredModel(name("old"), name("new"));

      ModelVersion v = registry().getModelVersionByAlias(name("new"), "champion");
      assertThat(v.name()).isEqualTo(name("new"));
      assertThat(v.version()).isEqualTo(1);
    }
  }

  // ---- stages

  /** Legacy stages and the newest version per stage. */
  @Nested
  @DisplayName("Stages")
  class Stages {

    @BeforeEach
    void requireCapability() {
      assumeThat(capabilities().supportsStages()).as("backend supports stages").isTrue();
    }

    @Test
    @DisplayName("a version moved to Staging is in Staging")
    void toStaging() {
      versions(name("m"), 1);

      ModelVersion v =
          registry().transitionModelVersionStage(name("m"), 1, ModelStage.STAGING, false);

      assertThat(v.stage()).isEqualTo(ModelStage.STAGING);
      assertThat(registry().getModelVersion(name("m"), 1).stage()).isEqualTo(ModelStage.STAGING);
    }

    @Test
    @DisplayName(
        "moving a version to Production while archiving existing ones archives the old Production version")
    void archiveExisting() {
      versions(name("m"), 2);
      registry().transitionModelVersionStage(name("m"), 1, ModelStage.PRODUCTION, false);

      registry().transitionModelVersionStage(name("m"), 2, ModelStage.PRODUCTION, true);

      assertThat(registry().getModelVersion(name("m"), 1).stage()).isEqualTo(ModelStage.ARCHIVED);
      assertThat(registry().getModelVersion(name("m"), 2).stage()).isEqualTo(ModelStage.PRODUCTION);
    }

    @Test
    @DisplayName(
        "moving a version to Production without archiving leaves two versions in Production")
    void keepExisting() {
      versions(name("m"), 2);
      registry().transitionModelVersionStage(name("m"), 1, ModelStage.PRODUCTION, false);

      registry().transitionModelVersionStage(name("m"), 2, ModelStage.PRODUCTION, false);

      assertThat(registry().getModelVersion(name("m"), 1).stage()).isEqualTo(ModelStage.PRODUCTION);
      assertThat(registry().getModelVersion(name("m"), 2).stage()).isEqualTo(ModelStage.PRODUCTION);
    }

    @Test
    @DisplayName(
        "the latest versions are the newest version in each stage, or in the stages asked for")
    void latestVersions() {
      versions(name("m"), 4);
      registry().transitionModelVersionStage(name("m"), 1, ModelStage.PRODUCTION, false);
      registry().transitionModelVersionStage(name("m"), 2, ModelStage.PRODUCTION, false);
      registry().transitionModelVersionStage(name("m"), 3, ModelStage.STAGING, false);

      List<ModelVersion> all = registry().getLatestVersions(name("m"), List.of());
      List<ModelVersion> production =
          registry().getLatestVersions(name("m"), List.of(ModelStage.PRODUCTION));

      assertThat(all)
          .extracting(ModelVersion::stage, ModelVersion::version)
          .containsExactlyInAnyOrder(
              tuple(ModelStage.NONE, 4),
              tuple(ModelStage.STAGING, 3),
              tuple(ModelStage.PRODUCTION, 2));
      assertThat(production).extracting(ModelVersion::version).containsExactly(2);
    }
  }

  // ---- resolution

  /** {@code models:/} and {@code runs:/} URIs resolved and downloaded by {@link Mlops#models()}. */
  @Nested
  @DisplayName("Model URI resolution")
  class Resolution {

    private String runId = "";

    /** Model {@code m} with three versions from one run. */
    @BeforeEach
    void registerThreeVersions() {
      runId = versions(name("m"), 3);
    }

    private ResolvedModel resolve(String uri) {
      return mlops().models().resolve(uri);
    }

    @Test
    @DisplayName("models:/name/3 resolves to version 3 and a concrete artifact URI")
    void byVersion() {
      ResolvedModel r = resolve("models:/" + name("m") + "/3");

      assertThat(r.modelUri()).isEqualTo("models:/" + name("m") + "/3");
      assertThat(r.modelVersion()).map(ModelVersion::version).contains(3);
      assertThat(r.artifactUri())
          .isNotBlank()
          .doesNotStartWith("runs:")
          .doesNotStartWith("models:");
    }

    @Test
    @DisplayName(
        "models:/name@alias resolves to the version the alias points at, and follows it when it moves")
    void byAlias() {
      assumeThat(capabilities().supportsAliases()).as("backend supports aliases").isTrue();
      registry().setAlias(name("m"), "champion", 2);

      assertThat(resolve("models:/" + name("m") + "@champion").modelVersion())
          .map(ModelVersion::version)
          .contains(2);
      registry().setAlias(name("m"), "champion", 1);
      assertThat(resolve("models:/" + name("m") + "@champion").modelVersion())
          .map(ModelVersion::version)
          .contains(1);
    }

    @Test
    @DisplayName("models:/name/Production resolves to the newest version in Production")
    void byStage() {
      assumeThat(capabilities().supportsStages()).as("backend supports stages").isTrue();
      registry().transitionModelVersionStage(name("m"), 1, ModelStage.PRODUCTION, false);
      registry().transitionModelVersionStage(name("m"), 2, ModelStage.PRODUCTION, false);

      assertThat(resolve("models:/" + name("m") + "/Production").modelVersion())
          .map(ModelVersion::version)
          .contains(2);
    }

    @Test
    @DisplayName("models:/name/latest resolves to the highest version number")
    void latest() {
      assertThat(resolve("models:/" + name("m") + "/latest").modelVersion())
          .map(ModelVersion::version)
          .contains(3);
    }

    @Test
    @DisplayName("runs:/id/path resolves to the run's artifacts with no registered version")
    void runsUri() {
      ResolvedModel r = resolve("runs:/" + runId + "/model");

      assertThat(r.modelVersion()).isEmpty();
      assertThat(r.artifactUri()).doesNotStartWith("runs:").contains(runId);
    }

    @Test
    @DisplayName("downloading models:/name@alias gives a local directory with the model's files")
    void downloadByAlias() throws IOException {
      assumeThat(capabilities().supportsAliases()).as("backend supports aliases").isTrue();
      registry().setAlias(name("m"), "champion", 3);

      assertHoldsModel(mlops().models().download("models:/" + name("m") + "@champion"));
    }

    @Test
    @DisplayName(
        "downloading models:/name/1 and runs:/id/model give directories with the model's files")
    void downloadByVersionAndRun() throws IOException {
      assertHoldsModel(mlops().models().download("models:/" + name("m") + "/1"));
      assertHoldsModel(mlops().models().download("runs:/" + runId + "/model"));
    }

    @Test
    @DisplayName("downloading a version registered from a plain URI gives its files")
    void downloadPlainSource() throws IOException {
      ModelVersion v = registry().registerModel(plainModelUri("plain-model"), name("m"));

      assertHoldsModel(mlops().models().download(v.modelUri()));
    }

    @Test
    @DisplayName("downloading the same model twice gives the same directory")
    void downloadIsCached() {
      Path first = mlops().models().download("models:/" + name("m") + "/2");
      Path second = mlops().models().download("models:/" + name("m") + "/2");

      assertThat(second).isEqualTo(first);
    }

    @Test
    @DisplayName("an unknown model, version or alias is not found, naming what was missing")
    void unknown() {
      assertThatThrownBy(() -> resolve("models:/" + name("missing") + "/1"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining(name("missing"));
      assertThatThrownBy(() -> resolve("models:/" + name("m") + "/9"))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("9");
      if (capabilities().supportsAliases()) {
        assertThatThrownBy(() -> resolve("models:/" + name("m") + "@nobody"))
            .isInstanceOf(NotFoundException.class)
            .hasMessageContaining("nobody");
      }
    }
  }
}
