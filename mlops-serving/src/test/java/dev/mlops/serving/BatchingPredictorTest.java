package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingPredictorTest {

  private static final PredictorOptions CPU =
      PredictorOptions.builder().device(Device.cpu()).intraOpThreads(1).build();

  @TempDir Path dir;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Counts calls and can hold them at a gate. */
  private static final class Gated implements Predictor {
    final Predictor delegate;
    final AtomicInteger calls = new AtomicInteger();
    final List<Long> rowsPerCall = java.util.Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);

    /** Holds calls until it is true (given the held call's rows) once; then it stays open. */
    volatile LongPredicate gate = rows -> true;

    private volatile boolean open;
    volatile boolean closed;

    Gated(Predictor delegate) {
      this.delegate = delegate;
    }

    @Override
    public ModelSignature signature() {
      return delegate.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
      entered.countDown();
      if (!open) {
        long rows = inputs.values().iterator().next().dim(0);
        awaitCondition(() -> gate.test(rows));
        open = true;
      }
      calls.incrementAndGet();
      rowsPerCall.add(inputs.values().iterator().next().dim(0));
      return delegate.predict(inputs);
    }

    @Override
    public String device() {
      return delegate.device();
    }

    @Override
    public void close() {
      closed = true;
      delegate.close();
    }
  }

  private static void awaitCondition(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 30 s");
      }
      Thread.yield();
    }
  }

  private Gated linear(OnnxTestModels.Linear model) {
    return new Gated(OnnxPredictor.open(model.writeTo(dir.resolve("m.onnx")), CPU));
  }

  @Test
  @DisplayName("64 concurrent callers each get their own rows back, run in batches")
  void concurrentCallersGetTheirOwnRows() throws Exception {
    OnnxTestModels.Linear model = OnnxTestModels.linear(new float[] {1, 2, 3}, 0.5f);
    Gated gated = linear(model);
    Batching batching = Batching.of(16, Duration.ofMillis(5));
    try (BatchingPredictor p = new BatchingPredictor(gated, batching)) {
      // Hold the first run until 32 more requests wait, so later runs must be batches.
      gated.gate = rows -> p.queued() >= 32;
      List<Future<Boolean>> results = new ArrayList<>();
      for (int c = 0; c < 64; c++) {
        int caller = c;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    float[][] rows = Fixtures.rows(1 + (caller + i) % 3, 3, caller * 100L + i);
                    float[][] y = p.predict(rows);
                    float[] expected = model.predict(rows);
                    assertThat(y).hasNumberOfRows(rows.length);
                    for (int r = 0; r < rows.length; r++) {
                      assertThat(y[r][0]).isCloseTo(expected[r], within(1e-5f));
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(gated.calls.get()).isLessThan(640);
      assertThat(gated.rowsPerCall).allMatch(n -> n <= 16);
      assertThat(gated.rowsPerCall.stream().mapToLong(Long::longValue).max().orElse(0))
          .isGreaterThan(3);
    }
    assertThat(gated.closed).isTrue();
  }

  @Test
  @DisplayName("string inputs are batched and split back per caller")
  void stringsAreBatched() throws Exception {
    Gated gated =
        new Gated(
            OnnxPredictor.open(OnnxTestModels.idsAndWords(5).writeTo(dir.resolve("w.onnx")), CPU));
    try (BatchingPredictor p = new BatchingPredictor(gated, Batching.of(8, Duration.ofMillis(2)))) {
      // Hold the first run until all four requests are in it or queued behind it.
      gated.gate = rows -> rows + p.queued() >= 4;
      List<Future<Map<String, Tensor>>> futures = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        long v = c;
        futures.add(
            pool.submit(
                () ->
                    p.predict(
                        Map.of(
                            "ids", Tensor.of(new long[] {v, v, v}, 1, 3),
                            "words", Tensor.of(new String[] {"w" + v}, 1)))));
      }
      for (int c = 0; c < 4; c++) {
        Map<String, Tensor> out = futures.get(c).get(30, TimeUnit.SECONDS);
        assertThat(out.get("id_sum").toLongArray()).containsExactly(3L * c);
        assertThat(out.get("large").toBooleanArray()).containsExactly(3L * c > 5);
        assertThat(out.get("words_out").toStringArray()).containsExactly("w" + c);
      }
      assertThat(gated.calls.get()).isLessThan(4);
    }
  }

  @Test
  @DisplayName("a full queue rejects the next request at once with PredictorOverloadedException")
  void overload() throws Exception {
    Gated gated = linear(OnnxTestModels.linear(new float[] {1}, 0));
    CountDownLatch release = new CountDownLatch(1);
    gated.gate = rows -> release.getCount() == 0;
    Batching batching = Batching.of(1, Duration.ZERO).withQueueCapacity(2);
    try (BatchingPredictor p = new BatchingPredictor(gated, batching)) {
      List<Future<float[][]>> waiting = new ArrayList<>();
      waiting.add(pool.submit(() -> p.predict(new float[][] {{1}})));
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();
      waiting.add(pool.submit(() -> p.predict(new float[][] {{2}})));
      waiting.add(pool.submit(() -> p.predict(new float[][] {{3}})));
      awaitCondition(() -> p.queued() == 2);

      assertThatThrownBy(() -> p.predict(new float[][] {{4}}))
          .isInstanceOf(PredictorOverloadedException.class)
          .hasMessageContaining("queue is full");

      release.countDown();
      for (int i = 0; i < 3; i++) {
        assertThat(waiting.get(i).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(i + 1f);
      }
    }
  }

  @Test
  @DisplayName("a request that waits past its timeout fails and never runs")
  void timeout() throws Exception {
    Gated gated = linear(OnnxTestModels.linear(new float[] {1}, 0));
    CountDownLatch release = new CountDownLatch(1);
    gated.gate = rows -> release.getCount() == 0;
    Batching batching = Batching.of(1, Duration.ZERO).withRequestTimeout(Duration.ofMillis(200));
    try (BatchingPredictor p = new BatchingPredictor(gated, batching)) {
      pool.submit(() -> p.predict(new float[][] {{1}})); // holds the worker (and times out too)
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(() -> p.predict(new float[][] {{2}}))
          .isInstanceOf(PredictionTimeoutException.class)
          .hasMessageContaining("200 ms");

      release.countDown();
    } // close waits for the worker: anything still queued would have run by now
    assertThat(gated.calls.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("a malformed request fails in its caller without touching the queue")
  void badRequestFailsAlone() {
    try (BatchingPredictor p =
        new BatchingPredictor(
            linear(OnnxTestModels.linear(new float[] {1, 1}, 0)), Batching.of(4, Duration.ZERO))) {
      assertThatThrownBy(() -> p.predict(new float[][] {{1, 2, 3}}))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'x'");
      assertThat(p.predict(new float[][] {{1, 2}})[0][0]).isEqualTo(3f);
    }
  }

  @Test
  @DisplayName("a model without a variable batch dimension cannot be batched")
  void fixedBatchModelRejected() {
    Gated gated = linear(OnnxTestModels.linearFixedBatch(new float[] {1}, 0, 1));
    assertThatThrownBy(() -> new BatchingPredictor(gated, Batching.of(4, Duration.ZERO)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("variable first (batch) dimension");
    gated.close();
  }

  @Test
  @DisplayName("after close, requests are refused and the wrapped predictor is closed")
  void closeRefuses() {
    Gated gated = linear(OnnxTestModels.linear(new float[] {1}, 0));
    BatchingPredictor p = new BatchingPredictor(gated, Batching.of(4, Duration.ZERO));
    assertThat(p.predict(new float[][] {{2}})[0][0]).isEqualTo(2f);
    p.close();
    assertThat(gated.closed).isTrue();
    assertThatThrownBy(() -> p.predict(new float[][] {{2}}))
        .isInstanceOf(MlopsException.class)
        .hasMessageContaining("closed");
  }
}
