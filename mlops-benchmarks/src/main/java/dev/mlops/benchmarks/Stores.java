package dev.mlops.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mlops.Backpressure;
import dev.mlops.Mlops;
import dev.mlops.spi.TrackingBackendProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** Opens the {@link Mlops} instances the benchmarks measure, each in its own directory. */
final class Stores {

  private static final String SERVICE =
      "META-INF/services/" + TrackingBackendProvider.class.getName();

  private Stores() {}

  /** The embedded SQLite store in {@code dir}. */
  static Mlops embedded(Backpressure mode, Path dir, Duration closeTimeout) {
    return Mlops.builder()
        .trackingUri("sqlite:///" + dir.resolve("mlflow.db"))
        .workingDirectory(dir)
        .cacheDir(dir.resolve("cache"))
        .journalDir(dir.resolve("journal"))
        .backpressure(mode)
        .closeTimeout(closeTimeout)
        .build();
  }

  /** A store that throws points away ({@link DiscardingBackend}), found through ServiceLoader. */
  static Mlops discarding(Backpressure mode, Path dir, Duration closeTimeout) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      Path services = dir.resolve("services.txt");
      Files.createDirectories(dir);
      Files.writeString(services, DiscardingBackend.Provider.class.getName() + "\n", UTF_8);
      thread.setContextClassLoader(
          new WithService(Stores.class.getClassLoader(), services.toUri().toURL()));
      return Mlops.builder()
          .trackingUri("discard:bench")
          .workingDirectory(dir)
          .cacheDir(dir.resolve("cache"))
          .journalDir(dir.resolve("journal"))
          .backpressure(mode)
          .closeTimeout(closeTimeout)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** Adds one more service file for the tracking provider to what the parent finds. */
  private static final class WithService extends ClassLoader {
    private final URL services;

    WithService(ClassLoader parent, URL services) {
      super(parent);
      this.services = services;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      List<URL> urls = new ArrayList<>(Collections.list(super.getResources(name)));
      if (name.equals(SERVICE)) {
        urls.add(services);
      }
      return Collections.enumeration(urls);
    }
  }
}
