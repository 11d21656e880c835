package dev.mlops.mlflow;

import dev.mlops.InvalidInputException;
import dev.mlops.spi.BackendContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * The one {@link OkHttpClient} (connection pool, dispatcher threads) that the tracking backend, the
 * registry backend and the artifact stores of one {@link dev.mlops.Mlops} share, registered with
 * {@link BackendContext#shared} and closed with it.
 */
final class SharedHttpClient implements AutoCloseable {

  private static final String KEY = "dev.mlops.mlflow.http-client";

  private final OkHttpClient client;

  private SharedHttpClient(OkHttpClient client) {
    this.client = client;
  }

  /** The client of {@code context}'s {@link dev.mlops.Mlops}, made on first use. */
  static OkHttpClient of(BackendContext context, ClientSettings settings) {
    return context.shared(KEY, SharedHttpClient.class, () -> new SharedHttpClient(build(settings)))
        .client;
  }

  static OkHttpClient build(ClientSettings settings) {
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectTimeout(settings.timeout())
            .readTimeout(settings.timeout())
            .writeTimeout(settings.timeout())
            .socketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()))
            .retryOnConnectionFailure(true)
            .followRedirects(true)
            .followSslRedirects(true);
    if (settings.insecureTls()) {
      X509TrustManager trustAll = new TrustAllManager();
      b.sslSocketFactory(sslContext(trustAll).getSocketFactory(), trustAll)
          .hostnameVerifier((host, session) -> true);
    } else if (settings.serverCertPath() != null) {
      X509TrustManager trust = trustManager(settings.serverCertPath());
      b.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
    }
    return b.build();
  }

  private static SSLContext sslContext(X509TrustManager trust) {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {trust}, new SecureRandom());
      return ssl;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + e, e);
    }
  }

  private static X509TrustManager trustManager(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new InvalidInputException(
            ClientSettings.SERVER_CERT_PATH
                + " file '"
                + pem
                + "' holds no certificate: give a PEM file with -----BEGIN CERTIFICATE----- blocks.");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("No X.509 trust manager in this JVM");
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException(
          ClientSettings.SERVER_CERT_PATH
              + " file '"
              + pem
              + "' could not be read as PEM certificates: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** Accepts every server certificate: what MLFLOW_TRACKING_INSECURE_TLS=true asks for. */
  private static final class TrustAllManager implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
