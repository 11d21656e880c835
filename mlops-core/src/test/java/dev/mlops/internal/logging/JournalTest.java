package dev.mlops.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.BatchLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Journal")
@Timeout(60)
class JournalTest {

  private static final int SMALL_SEGMENT = Journal.MIN_SEGMENT_BYTES;

  @TempDir Path store;

  private final LoggingEngine engine = new LoggingEngine(batch -> {}, limits(), 10);
  private final List<Journal> journals = new ArrayList<>();

  @AfterEach
  void tearDown() {
    for (Journal j : journals) {
      j.close(false);
    }
    engine.close(Duration.ofSeconds(5));
  }

  private static BatchLimits limits() {
    return BatchLimits.MLFLOW;
  }

  private Journal journal() throws IOException {
    Journal j = Journal.create(store, SMALL_SEGMENT);
    journals.add(j);
    return j;
  }

  @Test
  @DisplayName(
      "points appended by 8 threads across many segments are read back once each, in each thread's"
          + " order, and acknowledged segments are deleted")
  void concurrentAppendsAcrossSegments() throws Exception {
    Journal journal = journal();
    RunChannel run = new RunChannel(engine, "run-a", journal.register("run-a"));
    int threads = 8;
    int perThread = 5_000;
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String key = "t" + t;
      Thread producer =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int step = 0; step < perThread; step++) {
                    journal.append(0, LogPoint.METRIC, key, null, step * 0.5, 1000L + step, step);
                  }
                } catch (Throwable e) {
                  error.compareAndSet(null, e);
                }
              });
      producer.start();
      producers.add(producer);
    }
    start.countDown();

    long[] next = new long[threads];
    int total = 0;
    List<LogPoint> chunk = new ArrayList<>();
    while (total < threads * perThread) {
      int n = journal.read(chunk, 1_000, i -> i == 0 ? run : null);
      if (n == 0) {
        journal.awaitData(() -> false);
        continue;
      }
      for (LogPoint p : chunk) {
        int t = Integer.parseInt(p.key.substring(1));
        assertThat(p.step).as("step of %s", p.key).isEqualTo(next[t]);
        assertThat(p.value).isEqualTo(p.step * 0.5);
        assertThat(p.timestamp).isEqualTo(1000L + p.step);
        next[t]++;
      }
      total += n;
      chunk.clear();
      journal.ack();
    }
    for (Thread p : producers) {
      p.join();
    }

    assertThat(error.get()).isNull();
    assertThat(next).containsOnly(perThread);
    assertThat(journal.read(chunk, 10, i -> run)).isZero();
    assertThat(journal.isDrained()).isTrue();
    assertThat(segmentFiles(journal.dir())).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName(
      "at its size limit, a logging call waits until the worker acknowledges records, and every"
          + " point still arrives once, in order")
  void limitMakesCallersWait() throws Exception {
    long limit = 2L * SMALL_SEGMENT;
    Journal journal = Journal.create(store, SMALL_SEGMENT, limit);
    journals.add(journal);
    RunChannel run = new RunChannel(engine, "run-a", journal.register("run-a"));
    int points = 40_000; // about 3 MB of records: many times the limit
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int step = 0; step < points; step++) {
                  journal.append(0, LogPoint.METRIC, "loss", null, step, 7L, step);
                }
              } catch (Throwable e) {
                error.set(e);
              }
            });
    producer.start();
    while (producer.getState() != Thread.State.TIMED_WAITING && producer.isAlive()) {
      Thread.onSpinWait();
    }
    assertThat(producer.isAlive()).as("the producer waits at the limit").isTrue();
    assertThat(journal.pendingBytes())
        .isGreaterThanOrEqualTo(limit)
        .isLessThanOrEqualTo(limit + JournalFormat.MAX_RECORD);

    long next = 0;
    List<LogPoint> chunk = new ArrayList<>();
    while (next < points) {
      if (journal.read(chunk, 1_000, i -> run) == 0) {
        journal.awaitData(() -> false);
        continue;
      }
      for (LogPoint p : chunk) {
        assertThat(p.step).isEqualTo(next++);
      }
      chunk.clear();
      journal.ack();
      assertThat(journal.pendingBytes()).isLessThanOrEqualTo(limit + JournalFormat.MAX_RECORD);
    }
    producer.join();
    assertThat(error.get()).isNull();
    assertThat(journal.isDrained()).isTrue();
  }

  @Test
  @DisplayName(
      "a logging call interrupted while the journal is full fails with a message naming the limit,"
          + " and writes nothing")
  void interruptedWhileFull() throws Exception {
    long limit = 2L * SMALL_SEGMENT;
    Journal journal = Journal.create(store, SMALL_SEGMENT, limit);
    journals.add(journal);
    journal.register("run-a");
    for (int step = 0; journal.pendingBytes() < limit; step++) {
      journal.append(0, LogPoint.METRIC, "loss", null, step, 7L, step);
    }
    long full = journal.pendingBytes();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread blocked =
        new Thread(
            () -> {
              try {
                journal.append(0, LogPoint.METRIC, "late", null, 1, 7L, 1);
              } catch (Throwable e) {
                error.set(e);
              }
            });
    blocked.start();
    while (blocked.getState() != Thread.State.TIMED_WAITING && blocked.isAlive()) {
      Thread.onSpinWait();
    }
    blocked.interrupt();
    blocked.join();

    assertThat(error.get())
        .isInstanceOf(dev.mlops.MlopsException.class)
        .hasMessageContaining("Interrupted while waiting for room in the logging journal")
        .hasMessageContaining("limit " + limit + " bytes")
        .hasMessageContaining("'late' was not logged")
        .hasMessageContaining("journalMaxBytes");
    assertThat(journal.pendingBytes()).isEqualTo(full);
  }

  @Test
  @DisplayName("closing a full journal releases a logging call waiting for room")
  void closeReleasesWaiters() throws Exception {
    long limit = 2L * SMALL_SEGMENT;
    Journal journal = Journal.create(store, SMALL_SEGMENT, limit);
    journal.register("run-a");
    for (int step = 0; journal.pendingBytes() < limit; step++) {
      journal.append(0, LogPoint.METRIC, "loss", null, step, 7L, step);
    }
    Thread blocked =
        new Thread(
            () -> {
              try {
                journal.append(0, LogPoint.METRIC, "late", null, 1, 7L, 1);
              } catch (RuntimeException e) {
                // a closed journal may refuse the point; the engine reports it as not logged
              }
            });
    blocked.start();
    while (blocked.getState() != Thread.State.TIMED_WAITING && blocked.isAlive()) {
      Thread.onSpinWait();
    }
    journal.close(false);
    blocked.join();
    assertThat(blocked.isAlive()).isFalse();
  }

  @Test
  @DisplayName(
      "a journal left behind is replayed from its acknowledged position, params and tags included")
  void replayFromAcknowledgedPosition() throws Exception {
    Journal journal = journal();
    int a = journal.register("run-a");
    int b = journal.register("run-b");
    for (int step = 0; step < 1_000; step++) {
      journal.append(a, LogPoint.METRIC, "loss", null, step, 5L, step);
    }
    journal.append(b, LogPoint.PARAM, "alpha", "0.5 ✓ 🚀", 0, 0, 0);
    journal.append(b, LogPoint.TAG, "team", "risk", 0, 0, 0);
    RunChannel channel = new RunChannel(engine, "run-a", a);
    List<LogPoint> chunk = new ArrayList<>();
    assertThat(journal.read(chunk, 400, i -> channel)).isEqualTo(400);
    journal.ack();
    journal.close(false);
    journals.clear();

    List<JournalReplay> replays = JournalReplay.findStopped(store);
    assertThat(replays).hasSize(1);
    List<LogPoint> replayed = new ArrayList<>();
    try (JournalReplay r = replays.get(0)) {
      while (r.read(replayed, 128, id -> new RunChannel(engine, id, -1)) > 0) {
        // keep reading
      }
    }

    assertThat(replayed).hasSize(602);
    assertThat(replayed.get(0).step).isEqualTo(400);
    assertThat(replayed.get(599).step).isEqualTo(999);
    LogPoint param = replayed.get(600);
    assertThat(param.run.runId()).isEqualTo("run-b");
    assertThat(param.kind).isEqualTo(LogPoint.PARAM);
    assertThat(param.text).isEqualTo("0.5 ✓ 🚀");
    assertThat(replayed.get(601).text).isEqualTo("risk");
  }

  @Test
  @DisplayName(
      "a damaged record is skipped, the records after it are still replayed, and garbage after the"
          + " last record is ignored")
  void damagedRecordsAreSkipped() throws Exception {
    Journal journal = journal();
    int run = journal.register("run-a");
    for (int step = 0; step < 100; step++) {
      journal.append(run, LogPoint.METRIC, "m", null, step, 1L, step);
    }
    Path dir = journal.dir();
    journal.close(false);
    journals.clear();
    Path segment = segmentFiles(dir).get(0);
    int recordLength = 48; // 44 header bytes + key "m", aligned to 8
    int record50 = JournalFormat.SEGMENT_HEADER + 50 * recordLength;
    int afterLast = JournalFormat.SEGMENT_HEADER + 100 * recordLength;
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), record50 + JournalFormat.VALUE + 3);
      ByteBuffer torn = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      torn.putInt(48).putInt(12345).put(LogPoint.METRIC).flip(); // a record cut short
      ch.write(torn, afterLast);
    }

    List<LogPoint> replayed = new ArrayList<>();
    List<JournalReplay> replays = JournalReplay.findStopped(store);
    try (JournalReplay r = replays.get(0)) {
      while (r.read(replayed, 1_000, id -> new RunChannel(engine, id, -1)) > 0) {
        // keep reading
      }
    }

    assertThat(replayed).hasSize(99);
    assertThat(replayed).extracting(p -> p.step).doesNotContain(50L).contains(49L, 51L, 99L);
  }

  @Test
  @DisplayName("a journal still in use is never replayed; once closed with points left, it is")
  void liveJournalIsNotReplayed() throws Exception {
    Journal journal = journal();
    journal.append(journal.register("r"), LogPoint.METRIC, "m", null, 1, 1L, 1);

    assertThat(JournalReplay.findStopped(store)).isEmpty();

    journal.close(true); // not drained: kept
    journals.clear();
    List<JournalReplay> replays = JournalReplay.findStopped(store);
    assertThat(replays).hasSize(1);
    replays.forEach(JournalReplay::close);
  }

  @Test
  @DisplayName("closing a drained journal deletes its directory")
  void drainedJournalIsDeleted() throws Exception {
    Journal journal = journal();
    RunChannel run = new RunChannel(engine, "r", journal.register("r"));
    journal.append(0, LogPoint.METRIC, "m", null, 1, 1L, 1);
    List<LogPoint> chunk = new ArrayList<>();
    while (journal.read(chunk, 10, i -> run) == 0) {
      journal.awaitData(() -> false);
    }
    journal.ack();
    Path dir = journal.dir();

    assertThat(journal.close(true)).isTrue();
    journals.clear();
    assertThat(dir).doesNotExist();
    assertThat(JournalReplay.findStopped(store)).isEmpty();
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }
}
