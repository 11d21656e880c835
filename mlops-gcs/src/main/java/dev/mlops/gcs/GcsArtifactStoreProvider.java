package dev.mlops.gcs;

import com.google.cloud.storage.Storage;
import dev.mlops.ArtifactStore;
import dev.mlops.internal.artifacts.BucketLocation;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes {@link GcsArtifactStore}s for {@code gs://} URIs. Found with {@link
 * java.util.ServiceLoader}; users do not call it.
 *
 * <p>Settings, by environment-variable name (each may also come from {@code
 * Mlops.builder().setting(name, value)} or a system property):
 *
 * <table>
 *   <caption>Cloud Storage settings</caption>
 *   <tr><th>name</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code GOOGLE_APPLICATION_CREDENTIALS}</td><td>credentials JSON file, e.g. a
 *       service-account key</td><td>application-default credentials</td></tr>
 *   <tr><td>{@code GOOGLE_CLOUD_PROJECT}</td><td>project for requests</td>
 *       <td>the credentials' project</td></tr>
 *   <tr><td>{@code STORAGE_EMULATOR_HOST}</td><td>{@code http://host:port} of an emulator; no
 *       credentials are sent</td><td>none</td></tr>
 *   <tr><td>{@code MLOPS_GCS_CHUNK_SIZE}</td><td>bytes per resumable-upload request, a multiple of
 *       256 KiB</td><td>16 MiB</td></tr>
 * </table>
 *
 * <p>Stores with the same settings share one client for the life of their {@link dev.mlops.Mlops}.
 */
public final class GcsArtifactStoreProvider implements ArtifactStoreProvider {

  /** {@code gs://bucket/prefix}. */
  static final BucketLocation.Syntax URIS =
      new BucketLocation.Syntax(
          "GCS",
          "a Google Cloud Storage URI",
          List.of("gs"),
          Pattern.compile("^[a-z0-9][a-z0-9._\\-]{1,220}[a-z0-9]$"),
          "3-222 characters of lowercase letters, digits, '-', '_' and '.', starting and ending"
              + " with a letter or digit");

  @Override
  public Set<String> schemes() {
    return Set.copyOf(URIS.schemes());
  }

  @Override
  public ArtifactStore create(String rootUri, BackendContext context) {
    BucketLocation location = URIS.parse(rootUri);
    GcsSettings settings = GcsSettings.from(context);
    Storage storage =
        context.shared(settings.clientKey(), Storage.class, () -> GcsClients.create(settings));
    return new GcsArtifactStore(storage, location, settings, false);
  }
}
