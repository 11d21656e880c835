package dev.mlops.s3;

import dev.mlops.internal.artifacts.BucketLocation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An in-memory S3Proxy on a loopback port, with static credentials, for tests. */
final class S3ProxyServer implements AutoCloseable {

  static final String ACCESS_KEY = "test-access";
  static final String SECRET_KEY = "test-secret-do-not-print";

  private final S3Proxy proxy;
  private final URI endpoint;
  private final S3Client admin;

  private S3ProxyServer(S3Proxy proxy) {
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.admin = client(ApacheHttpClient.create());
  }

  static S3ProxyServer start() throws Exception {
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .build();
    proxy.start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!"STARTED".equals(proxy.getState())) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
    return new S3ProxyServer(proxy);
  }

  URI endpoint() {
    return endpoint;
  }

  /** A client with the right credentials; the caller closes it. */
  S3Client client(SdkHttpClient http) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .httpClient(http)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** The client used by tests to look behind the store's back. */
  S3Client admin() {
    return admin;
  }

  void createBucket(String name) {
    admin.createBucket(b -> b.bucket(name));
  }

  /** Settings that reach this server, as a user would give them. */
  Map<String, String> settings() {
    Map<String, String> s = new HashMap<>();
    s.put("MLFLOW_S3_ENDPOINT_URL", endpoint.toString());
    s.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    s.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    s.put("AWS_REGION", "us-east-1");
    return s;
  }

  /** A store owning its own client, made as the provider makes them. */
  S3ArtifactStore store(String uri, Map<String, String> overrides) {
    Map<String, String> s = settings();
    s.putAll(overrides);
    S3Settings settings = S3Settings.from(name -> Optional.ofNullable(s.get(name)));
    return storeWith(uri, settings, S3Clients.create(settings));
  }

  static S3ArtifactStore storeWith(String uri, S3Settings settings, S3Clients clients) {
    BucketLocation location = S3ArtifactStoreProvider.URIS.parse(uri);
    return new S3ArtifactStore(
        new TransferContext(
            clients, location, settings, new S3Errors(location, settings.endpointDescription())),
        TransferListener.NONE,
        true);
  }

  @Override
  public void close() {
    admin.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    }
  }
}
