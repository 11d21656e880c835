package dev.mlops.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ArtifactStore;
import dev.mlops.InvalidInputException;
import dev.mlops.internal.Providers;
import dev.mlops.internal.Uris;
import dev.mlops.internal.store.EmbeddedStoreProvider.Location;
import dev.mlops.spi.BackendContext;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.TrackingBackend;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("EmbeddedStoreProvider")
class EmbeddedStoreProviderTest {

  @TempDir Path dir;

  /** A context like the one core builds, with the shared resources kept in a map. */
  private final class Context implements BackendContext, AutoCloseable {
    private final String uri;
    private final @Nullable String artifactRoot;
    private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

    Context(String uri, @Nullable String artifactRoot) {
      this.uri = uri;
      this.artifactRoot = artifactRoot;
    }

    @Override
    public String uri() {
      return uri;
    }

    @Override
    public URI parsedUri() {
      return Uris.parse(uri, dir);
    }

    @Override
    public Optional<String> setting(String name) {
      return Optional.empty();
    }

    @Override
    public Optional<String> artifactRoot() {
      return Optional.ofNullable(artifactRoot);
    }

    @Override
    public Path workingDirectory() {
      return dir;
    }

    @Override
    public <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> factory) {
      return type.cast(shared.computeIfAbsent(key, k -> factory.get()));
    }

    @Override
    public ArtifactStore artifactStore(String artifactUri) {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override
    public void close() throws Exception {
      List<AutoCloseable> all = new ArrayList<>(shared.values());
      for (AutoCloseable c : all) {
        c.close();
      }
    }
  }

  private Location locate(String uri) {
    return EmbeddedStoreProvider.locate(new Context(uri, null));
  }

  @Nested
  @DisplayName("maps")
  class Mapping {

    @Test
    @DisplayName("sqlite:/// with three slashes to a path relative to the working directory")
    void relativeSqlite() {
      Location l = locate("sqlite:///data/mlflow.db");
      assertThat(l.database()).isEqualTo(dir.resolve("data/mlflow.db"));
      assertThat(l.artifactRoot()).isEqualTo(dir.resolve("mlruns").toString());
    }

    @Test
    @DisplayName("sqlite://// with four slashes to an absolute path")
    void absoluteSqlite() {
      Path db = dir.resolve("abs/x.db");
      assertThat(locate("sqlite:///" + db + "?mode=rwc").database()).isEqualTo(db);
    }

    @Test
    @DisplayName("a directory, as file: URI or plain path, to mlflow.db inside it")
    void directories() {
      Path store = dir.resolve("store");
      for (String uri : List.of(store.toUri().toString(), store.toString(), "store")) {
        Location l = locate(uri);
        assertThat(l.database()).as(uri).isEqualTo(store.resolve("mlflow.db"));
        assertThat(l.artifactRoot()).as(uri).isEqualTo(store.toString());
      }
    }

    @Test
    @DisplayName("a plain path or file: URI ending in .db or .sqlite to that file")
    void databaseFiles() {
      assertThat(locate("runs.db").database()).isEqualTo(dir.resolve("runs.db"));
      assertThat(locate("x/runs.sqlite").database()).isEqualTo(dir.resolve("x/runs.sqlite"));
      assertThat(locate(dir.resolve("f.db").toUri().toString()).database())
          .isEqualTo(dir.resolve("f.db"));
    }

    @Test
    @DisplayName("a configured artifact root over the default, relative ones made absolute")
    void configuredRoot() {
      assertThat(EmbeddedStoreProvider.locate(new Context("sqlite:///m.db", "art")).artifactRoot())
          .isEqualTo(dir.resolve("art").toString());
      assertThat(
              EmbeddedStoreProvider.locate(new Context("sqlite:///m.db", "s3://b/p"))
                  .artifactRoot())
          .isEqualTo("s3://b/p");
    }

    @Test
    @DisplayName("local artifact roots to paths whose scheme reads as file")
    void rootScheme() {
      assertThat(Uris.scheme(locate("sqlite:///m.db").artifactRoot())).isEqualTo("file");
    }

    @Test
    @DisplayName("nothing for in-memory or host-style sqlite URIs, with a clear message")
    void badUris() {
      for (String uri : List.of("sqlite://", "sqlite:///:memory:", "sqlite://host/x.db")) {
        assertThatThrownBy(() -> locate(uri))
            .as(uri)
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("sqlite:///relative/path.db");
      }
      assertThatThrownBy(() -> locate("file://server/share/dir"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("server");
    }
  }

  @Test
  @DisplayName("is found by ServiceLoader for sqlite and file URIs")
  void discovered() {
    Providers providers = new Providers(getClass().getClassLoader());
    for (String scheme : List.of("sqlite", "file")) {
      assertThat(providers.tracking(scheme)).isInstanceOf(EmbeddedStoreProvider.Tracking.class);
      assertThat(providers.registry(scheme)).isInstanceOf(EmbeddedStoreProvider.Registry.class);
    }
  }

  @Test
  @DisplayName("gives the tracking and registry backends of one Mlops one shared database")
  void sharesDatabase() throws Exception {
    try (Context context = new Context("sqlite:///shared/mlflow.db", null)) {
      TrackingBackend tracking = new EmbeddedStoreProvider.Tracking().create(context);
      RegistryBackend registry = new EmbeddedStoreProvider.Registry().create(context);
      assertThat(context.shared).hasSize(1);
      String id = tracking.createExperiment("e", null, Map.of());
      assertThat(tracking.getExperiment(id).orElseThrow().artifactLocation())
          .isEqualTo(dir.resolve("mlruns").resolve(id).toString());
      registry.createRegisteredModel("m", null, Map.of());
      tracking.close();
      registry.close();
      assertThat(registry.getRegisteredModel("m"))
          .as("the database outlives the backends")
          .isPresent();
    }
    assertThat(Files.exists(dir.resolve("shared/mlflow.db"))).isTrue();
    assertThat(Db.number(dir.resolve("shared/mlflow.db"), "SELECT count(*) FROM registered_models"))
        .isEqualTo(1);
  }
}
