package dev.mlops.s3;

import dev.mlops.MlopsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Runs tasks on a pool and waits for every one of them. After the first failure the tasks not yet
 * started are skipped; the method returns only when no task is running any more, so a caller can
 * clean up (abort a multipart upload, delete a temp file) knowing nothing still writes.
 */
final class Parallel {

  private Parallel() {}

  /** Thrown into skipped tasks; never escapes {@link #run}. */
  private static final class Skipped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Skipped() {
      super(null, null, false, false);
    }
  }

  /**
   * The tasks' results in order.
   *
   * @throws RuntimeException the first task failure (later ones suppressed into it)
   * @throws MlopsException when the caller is interrupted, after the running tasks have ended
   */
  static <T> List<T> run(ExecutorService pool, List<? extends Callable<T>> tasks) {
    AtomicBoolean failed = new AtomicBoolean();
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    try {
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  if (failed.get()) {
                    throw new Skipped();
                  }
                  try {
                    return task.call();
                  } catch (Throwable e) {
                    failed.set(true);
                    throw e;
                  }
                }));
      }
    } catch (RejectedExecutionException e) {
      failed.set(true);
      awaitAll(futures, failed);
      throw new MlopsException(
          "The S3 transfer pool is shut down: the Mlops that owns this store was closed.", e);
    }
    return awaitAll(futures, failed);
  }

  private static <T> List<T> awaitAll(List<Future<T>> futures, AtomicBoolean failed) {
    List<T> results = new ArrayList<>(futures.size());
    @Nullable Throwable first = null;
    boolean interrupted = false;
    for (Future<T> f : futures) {
      while (true) {
        try {
          results.add(f.get());
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          failed.set(true);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          if (!(cause instanceof Skipped)) {
            if (first == null) {
              first = cause;
            } else if (first != cause) {
              first.addSuppressed(cause);
            }
          }
          results.add(null);
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      MlopsException e = new MlopsException("Interrupted while transferring to or from S3.");
      if (first != null) {
        e.addSuppressed(first);
      }
      throw e;
    }
    if (first instanceof RuntimeException r) {
      throw r;
    }
    if (first instanceof Error err) {
      throw err;
    }
    if (first != null) {
      throw new MlopsException("S3 transfer failed: " + first, first);
    }
    return results;
  }
}
