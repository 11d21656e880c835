package dev.mlops.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigResolverTest {

  private static MlopsConfig resolve(
      Map<String, String> env, Properties props, String explicitUri, Map<String, String> settings) {
    return new ConfigResolver(env, props)
        .resolve(explicitUri, null, null, null, Path.of("/work"), null, null, settings);
  }

  @Test
  @DisplayName("with nothing configured the embedded default sqlite:///mlflow.db is used")
  void defaults() {
    Properties p = new Properties();
    p.setProperty("user.home", "/home/u");
    MlopsConfig c = resolve(Map.of(), p, null, Map.of());
    assertThat(c.trackingUri()).isEqualTo("sqlite:///mlflow.db");
    assertThat(c.registryUri()).isEqualTo(c.trackingUri());
    assertThat(c.cacheDir()).isEqualTo(Path.of("/home/u/.cache/mlops/models"));
    assertThat(c.logQueueCapacity()).isEqualTo(100_000);
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("MLflow's own MLFLOW_TRACKING_URI is honoured when MLOPS_TRACKING_URI is absent")
  void mlflowEnvironment() {
    MlopsConfig c =
        resolve(
            Map.of("MLFLOW_TRACKING_URI", "http://mlflow:5000"), new Properties(), null, Map.of());
    assertThat(c.trackingUri()).isEqualTo("http://mlflow:5000");
  }

  @Test
  @DisplayName("builder value beats system property, which beats MLOPS_ and then MLFLOW_ variables")
  void precedence() {
    Map<String, String> env =
        Map.of("MLOPS_TRACKING_URI", "sqlite:///env.db", "MLFLOW_TRACKING_URI", "http://x");
    Properties props = new Properties();
    assertThat(resolve(env, props, null, Map.of()).trackingUri()).isEqualTo("sqlite:///env.db");
    props.setProperty("mlops.tracking.uri", "sqlite:///prop.db");
    assertThat(resolve(env, props, null, Map.of()).trackingUri()).isEqualTo("sqlite:///prop.db");
    assertThat(resolve(env, props, "sqlite:///explicit.db", Map.of()).trackingUri())
        .isEqualTo("sqlite:///explicit.db");
  }

  @Test
  @DisplayName("credentials from the environment reach backends but never toString()")
  void secretsNotPrinted() {
    MlopsConfig c =
        resolve(
            Map.of("MLFLOW_TRACKING_TOKEN", "s3cr3t-token", "MLFLOW_TRACKING_PASSWORD", "hunter2"),
            new Properties(),
            "https://user:pw@mlflow.example.com",
            Map.of());
    assertThat(c.setting("MLFLOW_TRACKING_TOKEN")).contains("s3cr3t-token");
    assertThat(c.toString()).doesNotContain("s3cr3t-token", "hunter2", "user:pw");
  }

  @Test
  @DisplayName("a malformed number in the environment names the variable")
  void badNumber() {
    assertThatThrownBy(
            () ->
                resolve(
                    Map.of("MLOPS_LOG_QUEUE_CAPACITY", "lots"), new Properties(), null, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLOPS_LOG_QUEUE_CAPACITY")
        .hasMessageContaining("lots");
  }

  @Test
  @DisplayName("user info and secret query parameters are removed from URIs")
  void redaction() {
    assertThat(Redaction.uri("https://bob:pw@host:5000/api?token=abc&x=1"))
        .isEqualTo("https://***@host:5000/api?token=***&x=1");
    assertThat(Redaction.uri("sqlite:///mlflow.db")).isEqualTo("sqlite:///mlflow.db");
  }
}
