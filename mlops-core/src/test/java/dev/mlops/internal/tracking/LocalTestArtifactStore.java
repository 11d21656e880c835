package dev.mlops.internal.tracking;

import dev.mlops.ArtifactStore;
import dev.mlops.FileInfo;
import dev.mlops.NotFoundException;
import dev.mlops.internal.Validation;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** A plain local-directory {@link ArtifactStore} for tests, served for {@code file:} URIs. */
public final class LocalTestArtifactStore implements ArtifactStore {

  /** Registered through {@link TrackingFixture}'s class loader, not META-INF/services. */
  public static final class Provider implements ArtifactStoreProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("file");
    }

    @Override
    public ArtifactStore create(String rootUri, BackendContext context) {
      return new LocalTestArtifactStore(rootUri);
    }
  }

  private final String rootUri;
  private final Path root;

  LocalTestArtifactStore(String rootUri) {
    this.rootUri = rootUri;
    this.root = Path.of(URI.create(rootUri));
  }

  @Override
  public String rootUri() {
    return rootUri;
  }

  @Override
  public void upload(Path localFile, String path) {
    try {
      Path target = resolve(path);
      Files.createDirectories(target.getParent());
      Files.copy(localFile, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void uploadDirectory(Path localDir, String path) {
    try (Stream<Path> files = Files.walk(localDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = localDir.relativize(f).toString().replace('\\', '/');
        String p = Validation.artifactPath(path);
        upload(f, p.isEmpty() ? rel : p + "/" + rel);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void upload(InputStream content, String path) {
    try {
      Path target = resolve(path);
      Files.createDirectories(target.getParent());
      Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<FileInfo> list(String path) {
    Path dir = resolve(path);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<FileInfo> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path c : children.sorted().toList()) {
        String rel = root.relativize(c).toString().replace('\\', '/');
        boolean isDir = Files.isDirectory(c);
        out.add(new FileInfo(rel, isDir, isDir ? -1 : Files.size(c)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Override
  public Path download(String path, Path targetDir) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  @Override
  public InputStream open(String path) {
    Path p = resolve(path);
    if (!Files.isRegularFile(p)) {
      throw new NotFoundException("No artifact at '" + path + "'.");
    }
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void delete(String path) {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  private Path resolve(String path) {
    String p = Validation.artifactPath(path);
    return p.isEmpty() ? root : root.resolve(p);
  }
}
