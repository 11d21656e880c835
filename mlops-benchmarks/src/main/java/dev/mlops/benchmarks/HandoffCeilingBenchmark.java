package dev.mlops.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The most requests per second any dynamic batcher can serve on this machine: 64 caller threads
 * each hand a request to one worker thread and park until it is completed, and the worker runs no
 * model at all. It takes everything queued as one batch, completes each request and unparks its
 * caller, so what is measured is only the handoff (queue, park, unpark, context switches). This is
 * the upper bound for {@link BatchingThroughputBenchmark}'s batched mode, which also runs the model
 * and copies tensors; compare the two in the same run. Reports the median over {@code bench.trials}
 * of {@code bench.seconds} each, and the mean batch size.
 *
 * <pre>
 * ./mvnw -q -Pbench -DskipTests package -pl mlops-benchmarks -am \
 *     -Dbench.main=dev.mlops.benchmarks.HandoffCeilingBenchmark
 * </pre>
 */
public final class HandoffCeilingBenchmark {

  private static final int CALLERS = 64;

  private HandoffCeilingBenchmark() {}

  /** One caller's request: who to wake, and whether it is done. */
  private static final class Request {
    final Thread caller = Thread.currentThread();
    volatile boolean done;
  }

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 5);
    int trials = Integer.getInteger("bench.trials", 3);
    double[] rates = new double[trials];
    for (int t = 0; t < trials; t++) {
      double[] trial = run(seconds);
      rates[t] = trial[0];
      System.out.printf(
          Locale.ROOT,
          "trial %d: %,.0f handoffs/s, mean batch %.1f requests%n",
          t + 1,
          trial[0],
          trial[1]);
    }
    java.util.Arrays.sort(rates);
    System.out.printf(
        Locale.ROOT,
        "median: %,.0f handoffs/s (64 callers, one worker, no model)%n",
        rates[trials / 2]);
  }

  /**
   * One trial of {@code seconds}.
   *
   * @return handoffs per second, and the mean batch size
   */
  static double[] run(int seconds) throws InterruptedException {
    ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong batches = new AtomicLong();
    Thread worker =
        new Thread(
            () -> {
              List<Request> batch = new ArrayList<>();
              while (running.get() || !queue.isEmpty()) {
                Request r;
                while ((r = queue.poll()) != null) {
                  batch.add(r);
                }
                if (batch.isEmpty()) {
                  LockSupport.parkNanos(100_000);
                  continue;
                }
                batches.incrementAndGet();
                for (Request done : batch) {
                  done.done = true;
                  LockSupport.unpark(done.caller);
                }
                batch.clear();
              }
            });
    worker.setDaemon(true);
    Thread workerRef = worker;
    long[] counts = new long[CALLERS];
    CountDownLatch finished = new CountDownLatch(CALLERS);
    for (int c = 0; c < CALLERS; c++) {
      int caller = c;
      Thread t =
          new Thread(
              () -> {
                long n = 0;
                while (running.get()) {
                  Request r = new Request();
                  queue.add(r);
                  LockSupport.unpark(workerRef);
                  while (!r.done) {
                    LockSupport.park(r);
                  }
                  n++;
                }
                counts[caller] = n;
                finished.countDown();
              });
      t.setDaemon(true);
      t.start();
    }
    long start = System.nanoTime();
    worker.start();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    finished.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    worker.join();
    long total = java.util.Arrays.stream(counts).sum();
    return new double[] {total / elapsed, (double) total / Math.max(1, batches.get())};
  }
}
