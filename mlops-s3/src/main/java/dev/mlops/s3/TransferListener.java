package dev.mlops.s3;

/**
 * Receives progress of file transfers, e.g. to draw a progress bar.
 *
 * <pre>{@code
 * S3ArtifactStore s3 = (S3ArtifactStore) mlops.artifacts().store("s3://bucket/models");
 * s3.withListener((path, done, total) -> bar.update(path, done, total))
 *     .upload(Path.of("model.onnx"), "fraud/model.onnx");
 * }</pre>
 *
 * <p>For one file, {@code bytesDone} only grows and the last call has {@code bytesDone ==
 * totalBytes}. A directory transfer reports each of its files under its own path, from several
 * threads at once: implementations must be thread-safe and quick. An exception thrown by the
 * listener is logged and otherwise ignored; it does not stop the transfer.
 */
@FunctionalInterface
public interface TransferListener {

  /** A listener that ignores every event. */
  TransferListener NONE = (path, bytesDone, totalBytes) -> {};

  /**
   * Called as bytes of one file move.
   *
   * @param path the artifact path, relative to the store's root
   * @param bytesDone bytes transferred so far
   * @param totalBytes the file's size, or -1 while it is not known (a stream being uploaded)
   */
  void onProgress(String path, long bytesDone, long totalBytes);
}
