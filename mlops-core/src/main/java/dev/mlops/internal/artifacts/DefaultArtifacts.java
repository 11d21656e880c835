package dev.mlops.internal.artifacts;

import dev.mlops.*;
import dev.mlops.Models;
import dev.mlops.spi.TrackingBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Placeholder. */
public final class DefaultArtifacts implements Artifacts {
  public DefaultArtifacts(ArtifactStores stores, TrackingBackend tracking, Supplier<Models> models) {}

  @Override
  public ArtifactStore store(String artifactUri) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public ArtifactStore forRun(String runId) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public List<FileInfo> list(String artifactUri) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Path download(String artifactUri, Path targetDir) {
    throw new IllegalStateException("placeholder");
  }
}
