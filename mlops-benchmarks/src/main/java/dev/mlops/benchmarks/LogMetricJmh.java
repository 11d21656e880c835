package dev.mlops.benchmarks;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.Mlops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one {@link ActiveRun#logMetric(String, double, long)} call costs its caller: argument
 * checks, then a queue (BLOCK) or a memory-mapped journal append (SPILL). The backend throws points
 * away ({@link DiscardingBackend}), so the figure is the SDK's cost, not a store's; with more
 * threads than the one background writer can serve, BLOCK callers end up waiting for room, which is
 * what the figure then shows.
 *
 * <p>Median and allocation per call, 1 and 8 threads:
 *
 * <pre>
 * ./mvnw -q -pl mlops-benchmarks -am -DskipTests package dependency:build-classpath \
 *     -Dmdep.outputFile=$PWD/mlops-benchmarks/target/cp.txt
 * java -cp mlops-benchmarks/target/classes:$(cat mlops-benchmarks/target/cp.txt) \
 *     org.openjdk.jmh.Main LogMetricJmh -f 1 -wi 3 -i 5 -w 2s -r 2s -t 1 -prof gc
 * (and again with -t 8)
 * </pre>
 *
 * <p>{@code gc.alloc.rate.norm} is JMH's count over all threads, so it includes what the background
 * writer allocates per point to build the batch it hands to the backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogMetricJmh {

  @Param({"BLOCK", "SPILL"})
  public String backpressure;

  private Path dir;
  private Mlops mlops;
  private ActiveRun run;
  private final AtomicInteger threads = new AtomicInteger();

  /** Per thread: its own key and step counter. */
  @State(Scope.Thread)
  public static class Caller {
    String key;
    long step;

    @Setup(Level.Trial)
    public void setUp(LogMetricJmh bench) {
      key = "metric_" + bench.threads.getAndIncrement();
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("mlops-jmh");
    mlops = Stores.discarding(Backpressure.valueOf(backpressure), dir, Duration.ofSeconds(30));
    run = mlops.tracking().startRun("jmh");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    run.close();
    mlops.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  public void logMetric(Caller caller) {
    long step = caller.step++;
    run.logMetric(caller.key, step * 0.5, step);
  }
}
