package dev.mlops.internal.models;

import dev.mlops.*;
import dev.mlops.internal.artifacts.ArtifactStores;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Placeholder. */
public final class DefaultModels implements Models {
  public DefaultModels(Supplier<RegistryBackend> registry, TrackingBackend tracking, ArtifactStores stores, Path cacheDir) {}

  @Override
  public ResolvedModel resolve(String modelUri) {
    throw new IllegalStateException("placeholder");
  }

  @Override
  public Path download(String modelUri) {
    throw new IllegalStateException("placeholder");
  }
}
