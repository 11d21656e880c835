package dev.mlops.durability;

import dev.mlops.ActiveRun;
import dev.mlops.Backpressure;
import dev.mlops.Mlops;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link CrashTest}: opens an embedded store, logs metric {@code t<i>} from
 * {@value #THREADS} threads with steps 0, 1, 2, ..., flushes once every thread has logged {@value
 * #BEFORE_FLUSH} points, then keeps logging. It reports on stdout:
 *
 * <pre>
 * run &lt;run id&gt;
 * flushed               after flush() returned
 * t&lt;i&gt; &lt;step&gt;          every 2,000 steps after the flush, once logMetric for that step returned
 * done                  (mode "exit" only) before main returns without closing anything
 * </pre>
 *
 * <p>Arguments: the store directory, {@code kill} (SPILL, logs until killed) or {@code exit}
 * (BLOCK, logs {@value #EXIT_AFTER} points per thread and returns from main, leaving the JVM's
 * shutdown hook to write what is queued).
 */
public final class LoggingChild {

  static final int THREADS = 4;
  static final int BEFORE_FLUSH = 20_000;
  static final int EXIT_AFTER = 40_000;
  static final int REPORT_EVERY = 2_000;

  private LoggingChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean kill = args[1].equals("kill");
    PrintStream out = System.out;
    Mlops mlops =
        Mlops.builder()
            .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
            .workingDirectory(dir)
            .cacheDir(dir.resolve("cache"))
            .journalDir(dir.resolve("journal"))
            .backpressure(kill ? Backpressure.SPILL : Backpressure.BLOCK)
            .logQueueCapacity(50_000)
            .build();
    ActiveRun run = mlops.tracking().startRun("crash");
    report(out, "run " + run.runId());
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch flushed = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String key = "t" + t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (long step = 0; kill || step < EXIT_AFTER; step++) {
                    run.logMetric(key, step * 0.5, step, 1_000 + step);
                    if (step == BEFORE_FLUSH - 1) {
                      ready.countDown();
                      flushed.await();
                    } else if (step >= BEFORE_FLUSH && (step + 1) % REPORT_EVERY == 0) {
                      report(out, key + " " + step);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      thread.start();
      threads.add(thread);
    }
    ready.await();
    run.flush();
    report(out, "flushed");
    flushed.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    report(out, "done");
  }

  private static void report(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }
}
