package dev.mlops.internal.store;

import dev.mlops.InvalidInputException;
import dev.mlops.internal.Uris;
import dev.mlops.spi.BackendContext;
import dev.mlops.spi.RegistryBackend;
import dev.mlops.spi.RegistryBackendProvider;
import dev.mlops.spi.TrackingBackend;
import dev.mlops.spi.TrackingBackendProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded SQLite store for {@code sqlite:} and {@code file:} URIs and plain paths. The
 * tracking and registry backends of one {@code Mlops} share one {@link SqliteDatabase}.
 *
 * <table>
 *   <caption>URI to database file and default artifact root</caption>
 *   <tr><th>URI</th><th>database</th><th>artifact root</th></tr>
 *   <tr><td>{@code sqlite:///rel/path.db}</td><td>relative to the working directory</td>
 *       <td>{@code <working dir>/mlruns}</td></tr>
 *   <tr><td>{@code sqlite:////abs/path.db}</td><td>{@code /abs/path.db}</td>
 *       <td>{@code <working dir>/mlruns}</td></tr>
 *   <tr><td>{@code file:/dir}, {@code /dir}, {@code dir}</td><td>{@code <dir>/mlflow.db}</td>
 *       <td>{@code <dir>}</td></tr>
 *   <tr><td>{@code file:/x.db}, {@code x.db}, {@code x.sqlite}</td><td>that file</td>
 *       <td>{@code <working dir>/mlruns}</td></tr>
 * </table>
 *
 * <p>A configured artifact root ({@link BackendContext#artifactRoot()}) wins over the defaults.
 * Local artifact roots are stored as plain absolute paths, as MLflow's SQL store does.
 * ServiceLoader finds the two nested providers, {@link Tracking} and {@link Registry}.
 */
public final class EmbeddedStoreProvider {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStoreProvider.class);

  /** The schemes the embedded store answers to. */
  public static final Set<String> SCHEMES = Set.of("sqlite", "file");

  /** The database file used when a directory is given. */
  public static final String DATABASE_FILE_NAME = "mlflow.db";

  private EmbeddedStoreProvider() {}

  /**
   * Where one URI puts the store.
   *
   * @param database absolute path of the SQLite file
   * @param artifactRoot root for the artifacts of new experiments
   */
  public record Location(Path database, String artifactRoot) {}

  /** Maps {@code context}'s URI to a database file and artifact root. */
  public static Location locate(BackendContext context) {
    String uri = context.uri().strip();
    Path workingDirectory = context.workingDirectory().toAbsolutePath().normalize();
    String defaultRoot = workingDirectory.resolve("mlruns").toString();
    Location location;
    if (Uris.scheme(uri).equals("sqlite")) {
      location = new Location(sqlitePath(uri, workingDirectory), defaultRoot);
    } else {
      Path path = filePath(uri, context, workingDirectory);
      location =
          isDatabaseFile(path)
              ? new Location(path, defaultRoot)
              : new Location(path.resolve(DATABASE_FILE_NAME), path.toString());
    }
    String root =
        context
            .artifactRoot()
            .filter(r -> !r.isBlank())
            .map(r -> ArtifactLocations.resolve(r.strip(), workingDirectory))
            .orElse(location.artifactRoot());
    return new Location(location.database(), root);
  }

  /** The database for {@code context}, shared by both backends of one {@code Mlops}. */
  static SqliteDatabase database(BackendContext context, Location location) {
    return context.shared(
        "sqlite:" + location.database(),
        SqliteDatabase.class,
        () -> SqliteDatabase.open(location.database(), location.artifactRoot()));
  }

  private static Path sqlitePath(String uri, Path workingDirectory) {
    String prefix = "sqlite:///";
    if (!uri.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw badSqliteUri(uri);
    }
    String rest = uri.substring(prefix.length());
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.isBlank() || rest.equals(":memory:")) {
      throw badSqliteUri(uri);
    }
    return Uris.localPath(rest, workingDirectory);
  }

  private static InvalidInputException badSqliteUri(String uri) {
    return new InvalidInputException(
        "SQLite tracking URI '"
            + uri
            + "' does not name a database file. Use sqlite:///relative/path.db (three slashes) or"
            + " sqlite:////absolute/path.db (four slashes); in-memory databases are not"
            + " supported.");
  }

  private static Path filePath(String uri, BackendContext context, Path workingDirectory) {
    if (!uri.regionMatches(true, 0, "file:", 0, 5)) {
      return Uris.localPath(uri, workingDirectory);
    }
    URI parsed = context.parsedUri();
    if (parsed.isOpaque()) {
      return Uris.localPath(parsed.getSchemeSpecificPart(), workingDirectory);
    }
    String authority = parsed.getAuthority();
    if (authority != null && !authority.equalsIgnoreCase("localhost")) {
      throw new InvalidInputException(
          "File URI '"
              + uri
              + "' names host '"
              + authority
              + "'; the embedded store needs a local path such as file:///data/mlruns.");
    }
    return Uris.localPath(parsed.getPath(), workingDirectory);
  }

  /**
   * MLflow's older file store keeps {@code <dir>/0/meta.yaml}; this store does not read it, so a
   * user pointing at such a directory should hear that its runs will not show up.
   */
  private static void warnAboutFileStore(Location location) {
    Path dir = location.database().getParent();
    if (dir != null
        && dir.toString().equals(location.artifactRoot())
        && Files.exists(dir.resolve("0").resolve("meta.yaml"))) {
      LOG.warn(
          "{} looks like an MLflow file store (mlruns with meta.yaml files). The embedded store"
              + " keeps runs in {} instead and does not read the existing ones; point the"
              + " tracking URI at another directory or at sqlite:///mlflow.db to keep the two"
              + " apart.",
          dir,
          location.database().getFileName());
    }
  }

  private static boolean isDatabaseFile(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      return false;
    }
    String n = name.toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".db") || n.endsWith(".sqlite") || n.endsWith(".sqlite3");
  }

  /** The {@link TrackingBackendProvider} of the embedded store. */
  public static final class Tracking implements TrackingBackendProvider {

    @Override
    public Set<String> schemes() {
      return SCHEMES;
    }

    @Override
    public TrackingBackend create(BackendContext context) {
      Location location = locate(context);
      warnAboutFileStore(location);
      return new SqliteTrackingBackend(
          database(context, location), location.artifactRoot(), context.workingDirectory());
    }
  }

  /** The {@link RegistryBackendProvider} of the embedded store. */
  public static final class Registry implements RegistryBackendProvider {

    @Override
    public Set<String> schemes() {
      return SCHEMES;
    }

    @Override
    public RegistryBackend create(BackendContext context) {
      return new SqliteRegistryBackend(database(context, locate(context)));
    }
  }
}
