package dev.mlops.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("S3 settings")
class S3SettingsTest {

  private static S3Settings of(Map<String, String> values) {
    return S3Settings.from(name -> Optional.ofNullable(values.get(name)));
  }

  @Test
  @DisplayName("nothing set means AWS, the default chain, 16 MiB parts and 8 requests at a time")
  void defaults() {
    S3Settings s = of(Map.of());

    assertThat(s.endpoint()).isNull();
    assertThat(s.region()).isNull();
    assertThat(s.pathStyle()).isFalse();
    assertThat(s.accessKeyId()).isNull();
    assertThat(s.partSize()).isEqualTo(16L << 20);
    assertThat(s.multipartThreshold()).isEqualTo(16L << 20);
    assertThat(s.maxConcurrency()).isEqualTo(8);
    assertThat(s.maxAttempts()).isEqualTo(5);
  }

  @Test
  @DisplayName("MLflow's endpoint variable wins and turns on path-style addressing")
  void endpoint() {
    S3Settings s =
        of(
            Map.of(
                "MLFLOW_S3_ENDPOINT_URL", "http://localhost:9000",
                "AWS_ENDPOINT_URL", "http://other:1",
                "AWS_DEFAULT_REGION", "eu-west-1"));

    assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:9000"));
    assertThat(s.pathStyle()).isTrue();
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(
            of(Map.of("MLFLOW_S3_ENDPOINT_URL", "http://h:1", "MLOPS_S3_PATH_STYLE", "false"))
                .pathStyle())
        .isFalse();
    assertThatThrownBy(() -> of(Map.of("MLFLOW_S3_ENDPOINT_URL", "localhost:9000")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not an http(s) URL");
  }

  @Test
  @DisplayName("sizes take bytes or binary suffixes, and parts stay within S3's limits")
  void sizes() {
    assertThat(S3Settings.size("X", "16777216")).isEqualTo(16L << 20);
    assertThat(S3Settings.size("X", "32MiB")).isEqualTo(32L << 20);
    assertThat(S3Settings.size("X", "1g")).isEqualTo(1L << 30);
    assertThat(S3Settings.size("X", "512 KB")).isEqualTo(512L << 10);
    assertThatThrownBy(() -> of(Map.of("MLOPS_S3_PART_SIZE", "1MiB")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("between 5 MiB and 5 GiB");
    assertThatThrownBy(() -> of(Map.of("MLOPS_S3_MAX_CONCURRENCY", "many")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("MLOPS_S3_MAX_CONCURRENCY");
  }

  @Test
  @DisplayName("a file too big for 10,000 parts of the set size gets bigger parts")
  void partSizeGrows() {
    S3Settings s = of(Map.of("MLOPS_S3_PART_SIZE", "5MiB"));

    assertThat(s.partSizeFor(1L << 30)).isEqualTo(5L << 20);
    long huge = 100L << 30;
    assertThat(s.partSizeFor(huge)).isGreaterThanOrEqualTo(huge / 10_000);
    assertThat(s.partSizeFor(huge) % (1 << 20)).isZero();
  }

  @Test
  @DisplayName("half a key pair is refused, naming the missing half")
  void halfCredentials() {
    assertThatThrownBy(() -> of(Map.of("AWS_ACCESS_KEY_ID", "AKIA")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("AWS_SECRET_ACCESS_KEY is not");
  }

  @Test
  @DisplayName("neither toString nor the client key shows the secret or the session token")
  void noSecrets() {
    S3Settings s =
        of(
            Map.of(
                "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "very-secret-value",
                "AWS_SESSION_TOKEN", "session-token-value"));
    S3Settings other =
        of(Map.of("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "another-secret"));

    assertThat(s.toString())
        .doesNotContain("very-secret-value")
        .doesNotContain("session-token-value");
    assertThat(s.clientKey())
        .doesNotContain("very-secret-value")
        .doesNotContain("session-token-value");
    assertThat(s.clientKey()).isNotEqualTo(other.clientKey());
    assertThat(s.sessionToken()).isEqualTo("session-token-value");
  }
}
