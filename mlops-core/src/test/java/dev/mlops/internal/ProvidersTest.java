package dev.mlops.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.MlopsException;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProvidersTest {

  private final Providers providers = new Providers(ProvidersTest.class.getClassLoader());

  @Test
  @DisplayName("a scheme whose module is missing names the Maven artifact to add")
  void missingModuleNamesArtifact() {
    assertThatThrownBy(() -> providers.tracking("https"))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("dev.mlops:mlops-mlflow");
    assertThatThrownBy(() -> providers.artifacts("s3")).hasMessageContaining("dev.mlops:mlops-s3");
    assertThatThrownBy(() -> providers.artifacts("gs")).hasMessageContaining("dev.mlops:mlops-gcs");
  }

  @Test
  @DisplayName("an unknown scheme lists the supported ones")
  void unknownScheme() {
    assertThatThrownBy(() -> providers.tracking("foo"))
        .hasMessageContaining("'foo:'")
        .hasMessageContaining("sqlite:");
  }

  @Test
  @DisplayName("plain paths, Windows drive paths and file: URIs all count as local files")
  void schemes() {
    assertThat(Uris.scheme("/data/mlruns")).isEqualTo("file");
    assertThat(Uris.scheme("mlruns")).isEqualTo("file");
    assertThat(Uris.scheme("C:\\data\\mlruns")).isEqualTo("file");
    assertThat(Uris.scheme("file:/data")).isEqualTo("file");
    assertThat(Uris.scheme("SQLITE:///x.db")).isEqualTo("sqlite");
    assertThat(Uris.scheme("s3://bucket/p")).isEqualTo("s3");
    assertThat(Uris.parse("mlruns", Path.of("/work")).toString()).isEqualTo("file:///work/mlruns");
  }
}
