package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.model.DataType;
import dev.mlops.model.ModelSignature;
import dev.mlops.model.Predictor;
import dev.mlops.model.Tensor;
import dev.mlops.model.TensorSpec;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.lang.Thread.State;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
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
  private final List<Thread> callerThreads = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    for (Thread t : callerThreads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(t.isAlive()).isFalse();
    }
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
    concurrentCallers(Batching.of(16, Duration.ofMillis(5)));
  }

  @Test
  @DisplayName(
      "with two workers, one collecting while the other runs, every caller still gets its own rows")
  void twoWorkers() throws Exception {
    concurrentCallers(Batching.of(16, Duration.ofMillis(5)).withWorkers(2));
  }

  private void concurrentCallers(Batching batching) throws Exception {
    OnnxTestModels.Linear model = OnnxTestModels.linear(new float[] {1, 2, 3}, 0.5f);
    Gated gated = linear(model);
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

  @Test
  @DisplayName("a lone request runs at once rather than waiting out a long maxBatchDelay")
  void loneRequestDoesNotWaitForTheDelay() {
    Batching batching =
        Batching.of(64, Duration.ofHours(1)).withRequestTimeout(Duration.ofSeconds(20));
    try (BatchingPredictor p =
        new BatchingPredictor(linear(OnnxTestModels.linear(new float[] {2}, 1)), batching)) {
      for (int i = 0; i < 3; i++) {
        assertThat(p.predict(new float[][] {{i}})[0][0]).isEqualTo(2f * i + 1);
      }
    }
  }

  @Test
  @DisplayName("callers fewer than maxBatchSize, calling in a loop, never wait out a long delay")
  void closedLoopCallersDoNotWaitForTheDelay() throws Exception {
    OnnxTestModels.Linear model = OnnxTestModels.linear(new float[] {1, 1}, 0);
    Batching batching =
        Batching.of(64, Duration.ofHours(1)).withRequestTimeout(Duration.ofSeconds(20));
    try (BatchingPredictor p = new BatchingPredictor(linear(model), batching)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int caller = c;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    assertThat(p.predict(new float[][] {{caller, i}})[0][0])
                        .isEqualTo((float) caller + i);
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  @DisplayName("close finishes the requests already queued before closing the model")
  void closeFinishesQueuedRequests() throws Exception {
    Gated gated = linear(OnnxTestModels.linear(new float[] {1}, 0));
    CountDownLatch release = new CountDownLatch(1);
    gated.gate = rows -> release.getCount() == 0;
    BatchingPredictor p = new BatchingPredictor(gated, Batching.of(4, Duration.ZERO));
    List<FutureTask<float[][]>> waiting = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      float v = i;
      waiting.add(call(() -> p.predict(new float[][] {{v}})));
      if (i == 1) {
        assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();
      }
    }
    // All three callers are parked waiting for their results: the later two are queued for good.
    awaitCondition(() -> p.queued() == 2 && allParked());

    Thread closer = new Thread(p::close);
    closer.start();
    awaitCondition(() -> closer.getState() == State.WAITING); // joining the worker
    release.countDown();

    for (int i = 0; i < 3; i++) {
      assertThat(waiting.get(i).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(i + 1f);
    }
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
    assertThat(gated.closed).isTrue();
  }

  @Test
  @DisplayName("when a batch fails, its requests run one by one and only the bad one fails")
  void failedBatchIsRetriedOneByOne() throws Exception {
    Gated gated = new Gated(new RowSums(13f));
    CountDownLatch release = new CountDownLatch(1);
    gated.gate = rows -> release.getCount() == 0;
    try (BatchingPredictor p = new BatchingPredictor(gated, Batching.of(8, Duration.ZERO))) {
      FutureTask<float[][]> first = call(() -> p.predict(new float[][] {{1, 1}}));
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<FutureTask<float[][]>> rest = new ArrayList<>();
      for (float v : new float[] {2, 13, 4, 5}) {
        rest.add(call(() -> p.predict(new float[][] {{v, 1}})));
      }
      awaitCondition(() -> p.queued() == 4 && allParked());
      release.countDown();

      assertThat(first.get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(2f);
      assertThat(rest.get(0).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(3f);
      assertThatThrownBy(() -> rest.get(1).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InvalidInputException.class)
          .hasMessageContaining("poison row");
      assertThat(rest.get(2).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(5f);
      assertThat(rest.get(3).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(6f);
      assertThat(gated.rowsPerCall).contains(4L);
    }
  }

  @Test
  @DisplayName("requests whose second dimension differs run in separate batches, each correct")
  void differentWidthsRunApart() throws Exception {
    Gated gated = new Gated(new RowSums(Float.NaN));
    CountDownLatch release = new CountDownLatch(1);
    gated.gate = rows -> release.getCount() == 0;
    try (BatchingPredictor p = new BatchingPredictor(gated, Batching.of(16, Duration.ZERO))) {
      FutureTask<float[][]> first = call(() -> p.predict(new float[][] {{1}}));
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<FutureTask<float[][]>> rest = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        float[][] rows = i % 2 == 0 ? new float[][] {{i, 1}} : new float[][] {{i, 1, 1}};
        rest.add(call(() -> p.predict(rows)));
      }
      awaitCondition(() -> p.queued() == 6 && allParked());
      release.countDown();

      assertThat(first.get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(1f);
      for (int i = 0; i < 6; i++) {
        float expected = i + (i % 2 == 0 ? 1 : 2);
        assertThat(rest.get(i).get(30, TimeUnit.SECONDS)[0][0]).isEqualTo(expected);
      }
      assertThat(gated.rowsPerCall).contains(3L);
    }
  }

  /** Calls {@code body} on a new thread of its own. */
  private <T> FutureTask<T> call(Callable<T> body) {
    FutureTask<T> task = new FutureTask<>(body);
    Thread t = new Thread(task);
    callerThreads.add(t);
    t.start();
    return task;
  }

  /** True when every thread started by {@link #call} is parked waiting for its result. */
  private boolean allParked() {
    return callerThreads.stream().allMatch(t -> t.getState() == State.TIMED_WAITING);
  }

  /** Sums each row of {@code x} (any width) into {@code y}; a row starting with poison fails. */
  private static final class RowSums implements Predictor {
    private final float poison;

    RowSums(float poison) {
      this.poison = poison;
    }

    @Override
    public ModelSignature signature() {
      return new ModelSignature(
          List.of(TensorSpec.of("x", DataType.FLOAT32, -1, -1)),
          List.of(TensorSpec.of("y", DataType.FLOAT32, -1, 1)));
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs) {
      float[][] x = inputs.get("x").toFloatMatrix();
      float[] y = new float[x.length];
      for (int r = 0; r < x.length; r++) {
        if (x[r][0] == poison) {
          throw new InvalidInputException("poison row " + r);
        }
        for (float v : x[r]) {
          y[r] += v;
        }
      }
      return Map.of("y", Tensor.of(y, x.length, 1));
    }

    @Override
    public String device() {
      return "CPU";
    }

    @Override
    public void close() {}
  }
}
