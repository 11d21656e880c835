package dev.mlops.testkit.embedded;

import dev.mlops.ActiveRun;
import dev.mlops.Metric;
import dev.mlops.Mlops;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM of {@link ConcurrencyTest}: opens the embedded store in the given directory, says
 * {@code ready}, waits for {@code go} on stdin, then logs {@code n} points to a run of its own
 * through an {@link ActiveRun} and {@code n} points to a shared run through {@code logBatch},
 * interleaved in blocks of 500. Prints {@code run=<id>} and exits 0; any failure exits 1 with the
 * stack trace on stderr.
 *
 * <p>Arguments: {@code <storeDir> <sharedRunId> <childIndex> <n>}.
 */
public final class LoggingProcess {

  static final long T0 = 1_700_000_000_000L;
  static final int BLOCK = 500;

  private LoggingProcess() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String sharedRunId = args[1];
    int index = Integer.parseInt(args[2]);
    int n = Integer.parseInt(args[3]);
    try {
      run(dir, sharedRunId, index, n);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(Path dir, String sharedRunId, int index, int n) throws Exception {
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (Mlops mlops = EmbeddedStore.open(dir)) {
      System.out.println("ready");
      System.out.flush();
      String go = stdin.readLine();
      if (!"go".equals(go)) {
        throw new IllegalStateException("expected 'go' on stdin, got " + go);
      }
      try (ActiveRun own = mlops.tracking().startRun("concurrency", "child-" + index)) {
        for (int start = 0; start < n; start += BLOCK) {
          int end = Math.min(n, start + BLOCK);
          List<Metric> shared = new ArrayList<>(end - start);
          for (int i = start; i < end; i++) {
            own.logMetric("own", i, i, T0 + i);
            shared.add(new Metric("shared", index, T0 + i, (long) index * n + i));
          }
          mlops.tracking().logBatch(sharedRunId, shared, List.of(), List.of());
        }
        own.flush();
        System.out.println("run=" + own.runId());
        System.out.flush();
      }
    }
  }
}
