package dev.mlops.internal.models;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store and counts the reads ({@link #download} and {@link #open}) that reach it. */
final class CountingStore implements ArtifactStore {

  private final ArtifactStore delegate;
  private final AtomicInteger reads = new AtomicInteger();

  CountingStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  int reads() {
    return reads.get();
  }

  @Override
  public String rootUri() {
    return delegate.rootUri();
  }

  @Override
  public void upload(Path localFile, String path) {
    delegate.upload(localFile, path);
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    delegate.uploadDirectory(localDir, path);
  }

  @Override
  public void upload(InputStream content, String path) {
    delegate.upload(content, path);
  }

  @Override
  public List<FileInfo> list(String path) {
    return delegate.list(path);
  }

  @Override
  public Path download(String path, Path targetDir) {
    reads.incrementAndGet();
    return delegate.download(path, targetDir);
  }

  @Override
  public InputStream open(String path) {
    reads.incrementAndGet();
    return delegate.open(path);
  }

  @Override
  public void delete(String path) {
    delegate.delete(path);
  }
}
