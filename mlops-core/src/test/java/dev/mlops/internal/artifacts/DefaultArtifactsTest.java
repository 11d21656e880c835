package dev.mlops.internal.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.MlopsException;
import dev.mlops.Models;
import dev.mlops.NotFoundException;
import dev.mlops.ResolvedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The artifacts facade")
class DefaultArtifactsTest {

  static final String RUN = "0a1b2c3d4e5f";

  @TempDir Path tmp;
  Path runRoot;
  FakeTracking tracking;
  DefaultArtifacts artifacts;

  @BeforeEach
  void setUp() throws IOException {
    runRoot = tmp.resolve("mlruns/0/" + RUN + "/artifacts");
    Files.createDirectories(runRoot.resolve("model/data"));
    Files.writeString(runRoot.resolve("model/MLmodel"), "flavors: {}");
    Files.writeString(runRoot.resolve("model/data/w.bin"), "0101");
    tracking = new FakeTracking().addRun(RUN, runRoot.toUri().toString());
    Models models =
        new Models() {
          @Override
          public ResolvedModel resolve(String modelUri) {
            return new ResolvedModel(modelUri, null, runRoot.resolve("model").toString());
          }

          @Override
          public Path download(String modelUri) {
            throw new UnsupportedOperationException();
          }
        };
    artifacts = new DefaultArtifacts(TestStores.create(tmp), tracking, () -> models);
  }

  @Test
  @DisplayName("a runs URI lists paths relative to the run's artifact root")
  void listRun() {
    assertThat(artifacts.list("runs:/" + RUN + "/model"))
        .containsExactly(
            new FileInfo("model/MLmodel", false, 11), new FileInfo("model/data", true, -1));
    assertThat(artifacts.list("runs:/" + RUN)).containsExactly(new FileInfo("model", true, -1));
  }

  @Test
  @DisplayName("a runs URI downloads a file or a directory")
  void downloadRun() {
    Path file = artifacts.download("runs:/" + RUN + "/model/MLmodel", tmp.resolve("out"));
    assertThat(file).isEqualTo(tmp.resolve("out/MLmodel")).hasContent("flavors: {}");
    Path dir = artifacts.download("runs:/" + RUN + "/model", tmp.resolve("out2"));
    assertThat(dir.resolve("data/w.bin")).hasContent("0101");
  }

  @Test
  @DisplayName("a file URI or a plain path is opened at its parent directory")
  void concrete() {
    String uri = runRoot.resolve("model").toUri().toString();
    assertThat(artifacts.list(uri))
        .extracting(FileInfo::path)
        .containsExactly("model/MLmodel", "model/data");
    Path out = artifacts.download(runRoot.resolve("model/MLmodel").toString(), tmp.resolve("out"));
    assertThat(out).hasContent("flavors: {}");
    Path relative = artifacts.download("mlruns/0/" + RUN + "/artifacts/model", tmp.resolve("rel"));
    assertThat(relative.resolve("MLmodel")).hasContent("flavors: {}");
  }

  @Test
  @DisplayName("a models URI is resolved through Models")
  void models() {
    Path out = artifacts.download("models:/fraud/1", tmp.resolve("out"));
    assertThat(out).isEqualTo(tmp.resolve("out/model"));
    assertThat(out.resolve("MLmodel")).hasContent("flavors: {}");
    assertThat(artifacts.list("models:/fraud@champion")).hasSize(2);
  }

  @Test
  @DisplayName("forRun and store(runs:/...) open the run's store")
  void stores() {
    try (ArtifactStore store = artifacts.forRun(RUN)) {
      assertThat(store.rootUri()).isEqualTo(runRoot.toUri().toString());
      assertThat(store.list("")).extracting(FileInfo::path).containsExactly("model");
    }
    try (ArtifactStore store = artifacts.store("runs:/" + RUN + "/model")) {
      assertThat(store.list("")).extracting(FileInfo::path).containsExactly("MLmodel", "data");
    }
  }

  @Test
  @DisplayName("an unknown run is not found, naming the run")
  void unknownRun() {
    assertThatThrownBy(() -> artifacts.forRun("ffff0000"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'ffff0000'");
    assertThatThrownBy(() -> artifacts.list("runs:/ffff0000/model"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'ffff0000'");
  }

  @Test
  @DisplayName("a missing artifact is not found, naming its path")
  void missingArtifact() {
    assertThatThrownBy(() -> artifacts.download("runs:/" + RUN + "/nope", tmp.resolve("out")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'nope'");
  }

  @Test
  @DisplayName("a scheme without a provider names the module to add")
  void missingModule() {
    assertThatThrownBy(() -> artifacts.store("s3://bucket/path"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("mlops-s3");
  }
}
