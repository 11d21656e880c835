package dev.mlops.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cause chains")
class CausesTest {

  @Test
  @DisplayName("the first exception of a type is found in the exception itself or its causes")
  void finds() {
    ConnectException connect = new ConnectException("refused");
    IOException outer = new IOException("wrapped", connect);
    RuntimeException top = new IllegalStateException("top", new UncheckedIOException(outer));

    assertThat(Causes.find(top, IOException.class)).isSameAs(outer);
    assertThat(Causes.find(top, ConnectException.class)).isSameAs(connect);
    assertThat(Causes.find(top, IllegalStateException.class)).isSameAs(top);
    assertThat(Causes.find(top, ArithmeticException.class)).isNull();
    assertThat(Causes.has(top, IOException.class)).isTrue();
    assertThat(Causes.has(new IllegalStateException("alone"), IOException.class)).isFalse();
  }

  @Test
  @DisplayName("an exception that names itself as its cause ends the search")
  void selfCause() {
    RuntimeException loop =
        new RuntimeException("loop") {
          @Override
          public synchronized Throwable getCause() {
            return this;
          }
        };

    assertThat(Causes.has(loop, IOException.class)).isFalse();
    assertThat(Causes.find(loop, RuntimeException.class)).isSameAs(loop);
  }
}
