package dev.mlops.serving;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the native ONNX Runtime objects this module holds open: sessions, tensors and run results.
 * Every object is counted when created and uncounted when closed, so a count that does not come
 * back to its starting value is a leak; the tests check exactly that.
 */
final class NativeResources {

  static final AtomicLong SESSIONS = new AtomicLong();
  static final AtomicLong TENSORS = new AtomicLong();
  static final AtomicLong RESULTS = new AtomicLong();

  private NativeResources() {}

  /** Sessions, tensors and results open right now. */
  static String snapshot() {
    return "sessions="
        + SESSIONS.get()
        + ", tensors="
        + TENSORS.get()
        + ", results="
        + RESULTS.get();
  }
}
