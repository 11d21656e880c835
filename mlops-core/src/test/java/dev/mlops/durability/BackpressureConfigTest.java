package dev.mlops.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.Backpressure;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import dev.mlops.internal.config.ConfigResolver;
import dev.mlops.internal.logging.JournalDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backpressure and journal settings")
class BackpressureConfigTest {

  private static MlopsConfig resolve(Map<String, String> env, Properties props) {
    return new ConfigResolver(env, props)
        .resolve(null, null, null, null, Path.of("/work"), null, null, Map.of());
  }

  @Test
  @DisplayName("default to BLOCK and ~/.cache/mlops/journal")
  void defaults() {
    Properties props = new Properties();
    props.setProperty("user.home", "/home/ann");

    MlopsConfig config = resolve(Map.of(), props);

    assertThat(config.backpressure()).isEqualTo(Backpressure.BLOCK);
    assertThat(config.journalDir()).isEqualTo(Path.of("/home/ann/.cache/mlops/journal"));
  }

  @Test
  @DisplayName("come from the environment, and a system property wins over it")
  void environmentAndSystemProperty() {
    Map<String, String> env =
        Map.of("MLOPS_LOG_BACKPRESSURE", "spill", "MLOPS_LOG_JOURNAL_DIR", "/data/journal");
    MlopsConfig fromEnv = resolve(env, new Properties());
    assertThat(fromEnv.backpressure()).isEqualTo(Backpressure.SPILL);
    assertThat(fromEnv.journalDir()).isEqualTo(Path.of("/data/journal"));

    Properties props = new Properties();
    props.setProperty("mlops.log.backpressure", "BLOCK");
    assertThat(resolve(env, props).backpressure()).isEqualTo(Backpressure.BLOCK);
  }

  @Test
  @DisplayName("reject an unknown mode, naming the setting and the value")
  void unknownMode() {
    assertThatThrownBy(() -> resolve(Map.of("MLOPS_LOG_BACKPRESSURE", "drop"), new Properties()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLOPS_LOG_BACKPRESSURE")
        .hasMessageContaining("'drop'");
  }

  @Test
  @DisplayName(
      "cap the journal from the environment or the builder value, with no limit by default and"
          + " a clear error below 16 MiB or for a non-number")
  void journalLimit() {
    assertThat(resolve(Map.of(), new Properties()).journalMaxBytes())
        .isEqualTo(MlopsConfig.NO_JOURNAL_LIMIT);
    assertThat(
            resolve(Map.of("MLOPS_LOG_JOURNAL_MAX_BYTES", "1073741824"), new Properties())
                .journalMaxBytes())
        .isEqualTo(1L << 30);
    MlopsConfig explicit =
        new ConfigResolver(Map.of("MLOPS_LOG_JOURNAL_MAX_BYTES", "1073741824"), new Properties())
            .resolve(
                null,
                null,
                null,
                null,
                Path.of("/work"),
                null,
                null,
                null,
                null,
                64L << 20,
                Map.of());
    assertThat(explicit.journalMaxBytes()).isEqualTo(64L << 20);
    assertThat(explicit.toString()).contains("journalMaxBytes=67108864");

    assertThatThrownBy(
            () -> resolve(Map.of("MLOPS_LOG_JOURNAL_MAX_BYTES", "1GB"), new Properties()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLOPS_LOG_JOURNAL_MAX_BYTES")
        .hasMessageContaining("'1GB'")
        .hasMessageContaining("whole number of bytes");
    assertThatThrownBy(
            () -> resolve(Map.of("MLOPS_LOG_JOURNAL_MAX_BYTES", "1000"), new Properties()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("journalMaxBytes must be at least 16777216")
        .hasMessageContaining("got 1000")
        .hasMessageContaining("leave it unset for no limit");
  }

  @Test
  @DisplayName(
      "give each store its own journal directory: a relative local URI depends on the working"
          + " directory, a server URI does not")
  void journalPerStore() {
    Path root = Path.of("/j");
    assertThat(JournalDirectory.forStore(root, "sqlite:///mlflow.db", Path.of("/a")))
        .isNotEqualTo(JournalDirectory.forStore(root, "sqlite:///mlflow.db", Path.of("/b")))
        .isEqualTo(JournalDirectory.forStore(root, "sqlite:///mlflow.db", Path.of("/a")))
        .hasParentRaw(root);
    assertThat(JournalDirectory.forStore(root, "http://tracking:5000", Path.of("/a")))
        .isEqualTo(JournalDirectory.forStore(root, "http://tracking:5000", Path.of("/b")))
        .isNotEqualTo(JournalDirectory.forStore(root, "http://other:5000", Path.of("/a")));
  }
}
