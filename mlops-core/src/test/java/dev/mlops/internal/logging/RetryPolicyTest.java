package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RetryPolicy")
class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30));

  @Test
  @DisplayName(
      "waits double per attempt, jittered within the upper half of each step, up to the cap")
  void exponentialWithJitterAndCap() {
    long[] steps = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
    for (int attempt = 0; attempt < steps.length; attempt++) {
      long step = Duration.ofMillis(steps[attempt]).toNanos();
      for (int i = 0; i < 200; i++) {
        assertThat(policy.delayNanos(attempt, null))
            .as("attempt %d", attempt)
            .isBetween(step / 2, step);
      }
    }
    assertThat(policy.delayNanos(1_000, null)).isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  @DisplayName("a backend's Retry-After is waited at least, and at most the configured maximum")
  void retryAfterIsHonouredAndCapped() {
    assertThat(policy.delayNanos(0, Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(policy.delayNanos(0, Duration.ofDays(365)))
        .isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(policy.delayNanos(5, Duration.ofMillis(1)))
        .isBetween(Duration.ofMillis(1000).toNanos(), Duration.ofMillis(2000).toNanos());
  }
}
