package dev.mlops.s3;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of one file's transfer, fed from several part threads and reported to a {@link
 * TransferListener} in growing steps of at least {@link #STEP} bytes, and once at the end.
 */
final class Progress {

  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  static final long STEP = 1024 * 1024;

  private final TransferListener listener;
  private final String path;
  private volatile long total;
  private final AtomicLong done = new AtomicLong();
  private long reported = -1;
  private boolean warned;

  Progress(TransferListener listener, String path, long total) {
    this.listener = listener;
    this.path = path;
    this.total = total;
  }

  /** Counts bytes moved; negative when a retried part starts over. */
  void add(long bytes) {
    long now = done.addAndGet(bytes);
    if (listener != TransferListener.NONE && now - lastReported() >= STEP) {
      report(now);
    }
  }

  /** Sets the size once a stream's length is known. */
  void total(long bytes) {
    this.total = bytes;
  }

  /** Reports the final count: every byte moved. */
  void finish() {
    long t = total >= 0 ? total : done.get();
    report(t);
  }

  private synchronized long lastReported() {
    return reported;
  }

  private synchronized void report(long now) {
    if (now <= reported) {
      return;
    }
    reported = now;
    try {
      listener.onProgress(path, now, total);
    } catch (RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("Transfer listener failed for {}; ignoring it: {}", path, e.toString());
      }
    }
  }
}
