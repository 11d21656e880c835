package dev.mlops.s3;

import dev.mlops.ArtifactStore;
import dev.mlops.internal.artifacts.BucketLocation;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.BackendContext;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes {@link S3ArtifactStore}s for {@code s3://} and {@code s3a://} URIs. Found with {@link
 * java.util.ServiceLoader}; users do not call it.
 *
 * <p>Settings, by environment-variable name (each may also come from {@code
 * Mlops.builder().setting(name, value)} or a system property):
 *
 * <table>
 *   <caption>S3 settings</caption>
 *   <tr><th>name</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code MLFLOW_S3_ENDPOINT_URL}, then {@code AWS_ENDPOINT_URL_S3}, {@code
 *       AWS_ENDPOINT_URL}</td><td>endpoint of an S3-compatible store</td><td>AWS</td></tr>
 *   <tr><td>{@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}</td>
 *       <td>static credentials</td><td>{@code AWS_PROFILE}, else the SDK's default chain</td></tr>
 *   <tr><td>{@code AWS_PROFILE}</td><td>profile in {@code ~/.aws/credentials}</td><td>none</td></tr>
 *   <tr><td>{@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}</td><td>signing region</td>
 *       <td>{@code ~/.aws/config}, else us-east-1 (the client follows buckets to their region)</td></tr>
 *   <tr><td>{@code MLOPS_S3_PATH_STYLE}</td><td>bucket in the path rather than the host name</td>
 *       <td>true when an endpoint is set</td></tr>
 *   <tr><td>{@code MLFLOW_S3_IGNORE_TLS}</td><td>accept any TLS certificate</td><td>false</td></tr>
 *   <tr><td>{@code MLFLOW_S3_UPLOAD_EXTRA_ARGS}</td><td>JSON of boto3-style upload arguments:
 *       {@code ServerSideEncryption}, {@code SSEKMSKeyId}, {@code StorageClass}, {@code ACL},
 *       {@code Metadata}, ...</td><td>none</td></tr>
 *   <tr><td>{@code MLOPS_S3_PART_SIZE}</td><td>part size of multipart transfers (5 MiB-5 GiB),
 *       e.g. {@code 32MiB}</td><td>16 MiB</td></tr>
 *   <tr><td>{@code MLOPS_S3_MULTIPART_THRESHOLD}</td><td>files above this move in parts</td>
 *       <td>the part size</td></tr>
 *   <tr><td>{@code MLOPS_S3_MAX_CONCURRENCY}</td><td>parallel requests per pool</td><td>8</td></tr>
 *   <tr><td>{@code AWS_MAX_ATTEMPTS}</td><td>attempts per request, retries included</td>
 *       <td>5</td></tr>
 *   <tr><td>{@code AWS_REQUEST_CHECKSUM_CALCULATION}</td><td>{@code when_supported}: send S3's
 *       CRC32 checksums with every upload; {@code when_required}: only where S3 demands them</td>
 *       <td>when_supported on AWS, when_required with an endpoint override</td></tr>
 * </table>
 *
 * <p>Stores with the same endpoint, region and credentials share one client and its thread pools
 * for the life of their {@link dev.mlops.Mlops}.
 */
public final class S3ArtifactStoreProvider implements ArtifactStoreProvider {

  /** {@code s3://bucket/prefix} or {@code s3a://bucket/prefix}. */
  static final BucketLocation.Syntax URIS =
      new BucketLocation.Syntax(
          "S3",
          "an S3 URI",
          List.of("s3", "s3a"),
          // Lenient on purpose: S3-compatible stores allow more than AWS does (e.g. underscores).
          Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._\\-]{2,254}$"),
          "3-63 characters of lowercase letters, digits, '.' and '-' (S3-compatible stores may"
              + " also allow uppercase and '_')");

  @Override
  public Set<String> schemes() {
    return Set.copyOf(URIS.schemes());
  }

  @Override
  public ArtifactStore create(String rootUri, BackendContext context) {
    BucketLocation location = URIS.parse(rootUri);
    S3Settings settings = S3Settings.from(context);
    S3Clients clients =
        context.shared(settings.clientKey(), S3Clients.class, () -> S3Clients.create(settings));
    return new S3ArtifactStore(
        new TransferContext(
            clients, location, settings, new S3Errors(location, settings.endpointDescription())),
        TransferListener.NONE,
        false);
  }
}
