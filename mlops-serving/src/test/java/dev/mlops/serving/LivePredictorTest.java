package dev.mlops.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ActiveRun;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.ModelVersion;
import dev.mlops.model.Tensor;
import dev.mlops.testkit.onnx.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LivePredictorTest {

  private static final PredictorOptions CPU =
      PredictorOptions.builder().device(Device.cpu()).intraOpThreads(1).build();

  /** Input 0 gives the bias back: version v's model has bias v, so outputs name their version. */
  private static final Map<String, Tensor> ZERO = Map.of("x", Tensor.of(new float[][] {{0}}));

  @TempDir Path dir;
  private Mlops mlops;

  @BeforeEach
  void open() {
    mlops = Fixtures.open(dir);
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  private ModelVersion version(int bias) {
    return Fixtures.register(mlops, dir, OnnxTestModels.linear(new float[] {1}, bias), "live");
  }

  @Test
  @DisplayName(
      "16 threads predicting while the alias moves 20 times: no failure, every answer from"
          + " the version it is tagged with, old sessions closed")
  void hotReloadUnderLoad() throws Exception {
    List<ModelVersion> versions = new ArrayList<>();
    for (int v = 1; v <= 21; v++) {
      versions.add(version(v));
    }
    mlops.registry().setAlias("live", "champion", 1);
    long sessionsBefore = NativeResources.SESSIONS.get();
    List<ModelSwapped> swaps = new ArrayList<>();

    LivePredictor live =
        LivePredictor.follow(mlops, "models:/live@champion")
            .options(CPU)
            .pollInterval(Duration.ZERO)
            .listener(swaps::add)
            .start();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      workers.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  try {
                    Prediction p = live.predictTagged(ZERO);
                    float y = p.outputs().get("y").toFloatArray()[0];
                    if (y != p.version().version()) {
                      failures.add(
                          new AssertionError(
                              "version " + p.version().version() + " answered " + y));
                    }
                    seen.add(p.version().version());
                    answered.incrementAndGet();
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                }
              }));
    }
    try {
      for (int v = 2; v <= 21; v++) {
        long before = answered.get();
        awaitCondition(() -> answered.get() >= before + 50); // requests in flight before the move
        mlops.registry().setAlias("live", "champion", v);
        assertThat(live.refresh()).isTrue();
        assertThat(live.currentVersion().version()).isEqualTo(v);
      }
      long last = answered.get();
      awaitCondition(() -> answered.get() >= last + 50);
    } finally {
      running.set(false);
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }

    assertThat(failures).isEmpty();
    assertThat(swaps).hasSize(20);
    assertThat(swaps.get(19).to().version()).isEqualTo(21);
    assertThat(seen).contains(1, 21);
    // Only the current version's session is still open; the 20 old ones were drained and closed.
    assertThat(NativeResources.SESSIONS.get()).isEqualTo(sessionsBefore + 1);
    live.close();
    assertThat(NativeResources.SESSIONS.get()).isEqualTo(sessionsBefore);
    assertThatThrownBy(() -> live.predict(ZERO))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("closed");
  }

  @Test
  @DisplayName("a version that fails to load is reported and the old one keeps serving")
  void failedLoadKeepsOldVersion() throws Exception {
    version(1);
    mlops.registry().setAlias("live", "champion", 1);
    Path broken = Files.createDirectories(dir.resolve("broken"));
    Files.writeString(
        broken.resolve("MLmodel"),
        "flavors:\n  onnx:\n    data: model.onnx\n    onnx_version: 1.17.0\n");
    Files.writeString(broken.resolve("model.onnx"), "not an onnx model");
    String runId;
    try (ActiveRun run = mlops.tracking().startRun("broken")) {
      run.logArtifacts(broken, "model");
      runId = run.runId();
    }
    ModelVersion bad = mlops.registry().registerModel("runs:/" + runId + "/model", "live");
    List<ModelLoadFailed> failures = new ArrayList<>();

    try (LivePredictor live =
        LivePredictor.follow(mlops, "models:/live@champion")
            .options(CPU)
            .pollInterval(Duration.ZERO)
            .listener(
                new LivePredictor.Listener() {
                  @Override
                  public void swapped(ModelSwapped event) {}

                  @Override
                  public void loadFailed(ModelLoadFailed event) {
                    failures.add(event);
                  }
                })
            .start()) {
      mlops.registry().setAlias("live", "champion", bad.version());
      assertThatThrownBy(live::refresh).isInstanceOf(InvalidInputException.class);

      assertThat(failures).hasSize(1);
      assertThat(failures.get(0).version().version()).isEqualTo(bad.version());
      assertThat(live.currentVersion().version()).isEqualTo(1);
      assertThat(live.predictTagged(ZERO).outputs().get("y").toFloatArray()).containsExactly(1f);
    }
  }

  @Test
  @DisplayName("polling notices an alias move without refresh being called")
  void pollingFollowsTheAlias() throws Exception {
    version(1);
    version(2);
    mlops.registry().setAlias("live", "champion", 1);
    CountDownLatch swapped = new CountDownLatch(1);
    try (LivePredictor live =
        LivePredictor.follow(mlops, "models:/live@champion")
            .options(CPU)
            .pollInterval(Duration.ofMillis(20))
            .listener(e -> swapped.countDown())
            .start()) {
      mlops.registry().setAlias("live", "champion", 2);
      assertThat(swapped.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(live.currentVersion().version()).isEqualTo(2);
      assertThat(live.predict(ZERO).get("y").toFloatArray()).containsExactly(2f);
    }
  }

  @Test
  @DisplayName("a runs:/ URI cannot be followed")
  void runsUriRejected() {
    assertThatThrownBy(
            () -> {
              String runId;
              try (ActiveRun run = mlops.tracking().startRun("r")) {
                run.logModel(
                    "model",
                    dev.mlops.model.OnnxModel.of(
                        OnnxTestModels.linear(new float[] {1}, 0).writeTo(dir.resolve("r.onnx"))));
                runId = run.runId();
              }
              LivePredictor.follow(mlops, "runs:/" + runId + "/model").start();
            })
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Predictors.load");
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 60 s");
      }
      Thread.yield();
    }
  }
}
