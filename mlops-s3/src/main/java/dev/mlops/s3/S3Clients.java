package dev.mlops.s3;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * One S3 client and the two thread pools transfers run on, shared by every store of one {@link
 * dev.mlops.Mlops} that has the same {@link S3Settings#clientKey()}. Whole files run on {@code
 * files}; their parts and ranges run on {@code parts}. A part task never waits for another task, so
 * the two bounded pools cannot deadlock.
 */
final class S3Clients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);

  private final S3Client s3;
  private final ExecutorService parts;
  private final ExecutorService files;
  private final @Nullable SdkAutoCloseable credentials;
  private final @Nullable SdkHttpClient httpClient;

  /** Wraps a client built elsewhere; closing closes it. */
  S3Clients(S3Client s3, int concurrency) {
    this(s3, concurrency, null, null);
  }

  private S3Clients(
      S3Client s3,
      int concurrency,
      @Nullable SdkAutoCloseable credentials,
      @Nullable SdkHttpClient httpClient) {
    this.s3 = s3;
    this.credentials = credentials;
    this.httpClient = httpClient;
    this.parts = pool("mlops-s3-part-", concurrency);
    this.files = pool("mlops-s3-file-", concurrency);
  }

  /** Builds the client the settings describe. Makes no request. */
  static S3Clients create(S3Settings settings) {
    int connections = 2 * settings.maxConcurrency() + 8;
    return create(
        settings,
        ApacheHttpClient.builder()
            .maxConnections(connections)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60))
            .tcpKeepAlive(true)
            .buildWithDefaults(
                AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, settings.ignoreTls())
                    .build()));
  }

  /** Builds the client the settings describe over {@code http}, which it then owns. */
  static S3Clients create(S3Settings settings, SdkHttpClient http) {
    AwsCredentialsProvider credentials = credentials(settings);
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(http)
            .credentialsProvider(credentials)
            .forcePathStyle(settings.pathStyle())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(settings.maxAttempts())
                            .build()));
    String checksums =
        settings.checksumCalculation() != null
            ? settings.checksumCalculation()
            : settings.endpoint() != null ? "when_required" : null;
    if (checksums != null) {
      b.requestChecksumCalculation(
          checksums.equals("when_required")
              ? RequestChecksumCalculation.WHEN_REQUIRED
              : RequestChecksumCalculation.WHEN_SUPPORTED);
    }
    if (settings.endpoint() != null) {
      b.endpointOverride(settings.endpoint())
          .region(
              Region.of(settings.region() != null ? settings.region() : S3Settings.DEFAULT_REGION));
    } else {
      b.region(region(settings)).crossRegionAccessEnabled(true);
    }
    return new S3Clients(
        b.build(),
        settings.maxConcurrency(),
        credentials instanceof SdkAutoCloseable c ? c : null,
        http);
  }

  S3Client s3() {
    return s3;
  }

  ExecutorService parts() {
    return parts;
  }

  ExecutorService files() {
    return files;
  }

  @Override
  public void close() {
    parts.shutdownNow();
    files.shutdownNow();
    s3.close();
    if (httpClient != null) {
      httpClient.close();
    }
    if (credentials != null) {
      credentials.close();
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings s) {
    if (s.accessKeyId() != null && s.secretAccessKey() != null) {
      return StaticCredentialsProvider.create(
          s.sessionToken() != null
              ? AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
              : AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey()));
    }
    if (s.profile() != null) {
      return ProfileCredentialsProvider.builder().profileName(s.profile()).build();
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /**
   * The configured region, else system properties and {@code ~/.aws/config}, else us-east-1 (the
   * client follows a bucket to its region). Instance metadata is not asked: it would stall hosts
   * outside EC2.
   */
  private static Region region(S3Settings s) {
    if (s.region() != null) {
      return Region.of(s.region());
    }
    try {
      return new AwsRegionProviderChain(
              new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
          .getRegion();
    } catch (SdkClientException e) {
      LOG.debug("No AWS region configured; using {}", S3Settings.DEFAULT_REGION);
      return Region.of(S3Settings.DEFAULT_REGION);
    }
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
