package dev.mlops.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineProfileTest {

  @TempDir Path dir;

  @Test
  @DisplayName("each column gets its mean, spread, range and percentiles, and survives JSON")
  void profile() throws Exception {
    float[][] rows = new float[101][2];
    for (int i = 0; i <= 100; i++) {
      rows[i][0] = i;
      rows[i][1] = 5;
    }
    BaselineProfile p = BaselineProfile.of("x", rows);
    BaselineProfile.Feature first = p.features().get(0);
    assertThat(p.rows()).isEqualTo(101);
    assertThat(first.mean()).isCloseTo(50, within(1e-9));
    assertThat(first.min()).isZero();
    assertThat(first.max()).isEqualTo(100);
    assertThat(first.percentiles()).hasSize(101);
    assertThat(first.percentiles().get(25)).isCloseTo(25, within(1e-9));
    assertThat(p.features().get(1).stddev()).isZero();

    Files.writeString(dir.resolve(BaselineProfile.FILE_NAME), p.toJson());
    assertThat(BaselineProfile.read(dir)).contains(p);
    assertThat(BaselineProfile.read(dir.resolve("missing"))).isEmpty();
  }

  @Test
  @DisplayName("no rows or a non-finite value cannot be profiled")
  void rejects() {
    assertThatThrownBy(() -> BaselineProfile.of("x", new float[0][]))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> BaselineProfile.of("x", new float[][] {{Float.NaN}}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NaN");
  }
}
