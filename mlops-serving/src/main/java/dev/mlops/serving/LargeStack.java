package dev.mlops.serving;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Runs ONNX Runtime's native initialisation and model loading on a thread with a large stack.
 * Loading the native library and creating a session need more native stack than a JVM thread's
 * default 1 MiB when the JVM was started with a long class path (application servers, Spark
 * executors, {@code java -cp} with many jars): ONNX Runtime 1.29 then crashes the whole process
 * with a segmentation fault. The stack is reserved address space, committed only as it is used.
 */
final class LargeStack {

  /** 64 MiB: far more than loading needs; costs address space, not memory. */
  static final long STACK_BYTES = 64L << 20;

  private LargeStack() {}

  /**
   * Runs {@code task} on a new thread with a {@value #STACK_BYTES}-byte stack and returns its
   * result, rethrowing what it threw. Waits for it even when interrupted (the native call cannot be
   * stopped halfway), then restores the interrupt.
   */
  static <T> T call(String name, Callable<T> task) {
    AtomicReference<@Nullable T> result = new AtomicReference<>();
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    Thread loader =
        new Thread(
            null,
            () -> {
              try {
                result.set(task.call());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            name,
            STACK_BYTES);
    loader.setDaemon(true);
    loader.start();
    boolean interrupted = false;
    while (true) {
      try {
        loader.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    if (e != null) {
      throw new IllegalStateException(e);
    }
    T value = result.get();
    if (value == null) {
      throw new IllegalStateException(name + " returned nothing");
    }
    return value;
  }
}
