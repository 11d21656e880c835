package dev.mlops;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Files under one root URI ({@code file:}, {@code s3://}, {@code gs://}, ...). Paths are relative
 * to the root with {@code /} separators; {@code ..}, absolute paths and NUL are rejected.
 *
 * <p>Get one from {@link Artifacts#store(String)} or {@link Artifacts#forRun(String)}. Writes are
 * atomic: a reader never sees half a file. Thread-safe.
 */
public interface ArtifactStore extends AutoCloseable {

  /** The root URI. */
  String rootUri();

  /**
   * Copies a local file to {@code path}, replacing what was there.
   *
   * @param path destination file path, e.g. {@code model/model.onnx}
   */
  void upload(Path localFile, String path);

  /** Copies a local directory's contents under {@code path} ("" for the root). */
  void uploadDirectory(Path localDir, String path);

  /** Copies a stream to {@code path}. */
  void upload(InputStream content, String path);

  /**
   * The direct children of directory {@code path} ("" for the root); empty when it does not exist.
   */
  List<FileInfo> list(String path);

  /**
   * Copies {@code path} (a file, or a directory recursively) into {@code targetDir}, keeping the
   * last segment's name, and returns the local path.
   *
   * @throws NotFoundException when nothing is stored at {@code path}
   */
  Path download(String path, Path targetDir);

  /** Opens a stored file for reading. @throws NotFoundException when it does not exist */
  InputStream open(String path);

  /** Deletes a file or a directory with everything under it; nothing when it does not exist. */
  void delete(String path);

  /** Releases clients and connections. The default does nothing. */
  @Override
  default void close() {}
}
