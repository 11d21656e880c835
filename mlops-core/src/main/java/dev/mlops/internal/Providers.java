package dev.mlops.internal;

import dev.mlops.MlopsException;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.RegistryBackendProvider;
import dev.mlops.spi.TrackingBackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds providers with {@link ServiceLoader} and picks one by URI scheme: the highest priority
 * wins; a tie is broken by class name, with a warning. When none handles a scheme, the exception
 * names the Maven artifact that does.
 */
public final class Providers {

  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

  /** Which module handles which scheme, for the "add this dependency" message. */
  private static final Map<String, String> MODULE_FOR_SCHEME =
      Map.ofEntries(
          Map.entry("http", "mlops-mlflow"),
          Map.entry("https", "mlops-mlflow"),
          Map.entry("databricks", "mlops-mlflow"),
          Map.entry("mlflow-artifacts", "mlops-mlflow"),
          Map.entry("s3", "mlops-s3"),
          Map.entry("s3a", "mlops-s3"),
          Map.entry("gs", "mlops-gcs"),
          Map.entry("sagemaker", "mlops-sagemaker"));

  private final ClassLoader classLoader;

  public Providers(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  public static Providers fromContext() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new Providers(cl != null ? cl : Providers.class.getClassLoader());
  }

  public TrackingBackendProvider tracking(String scheme) {
    return pick(
        TrackingBackendProvider.class,
        scheme,
        TrackingBackendProvider::schemes,
        TrackingBackendProvider::priority,
        "tracking");
  }

  public RegistryBackendProvider registry(String scheme) {
    return pick(
        RegistryBackendProvider.class,
        scheme,
        RegistryBackendProvider::schemes,
        RegistryBackendProvider::priority,
        "model registry");
  }

  public ArtifactStoreProvider artifacts(String scheme) {
    return pick(
        ArtifactStoreProvider.class,
        scheme,
        ArtifactStoreProvider::schemes,
        ArtifactStoreProvider::priority,
        "artifact store");
  }

  private <P> P pick(
      Class<P> service,
      String rawScheme,
      Function<P, Set<String>> schemes,
      ToIntFunction<P> priority,
      String what) {
    String scheme = rawScheme.toLowerCase(Locale.ROOT);
    List<P> candidates = new ArrayList<>();
    for (P p : ServiceLoader.load(service, classLoader)) {
      if (schemes.apply(p).contains(scheme)) {
        candidates.add(p);
      }
    }
    if (candidates.isEmpty()) {
      throw new MlopsException(missingMessage(scheme, what));
    }
    candidates.sort(
        Comparator.comparingInt(priority).reversed().thenComparing(p -> p.getClass().getName()));
    if (candidates.size() > 1
        && priority.applyAsInt(candidates.get(0)) == priority.applyAsInt(candidates.get(1))) {
      LOG.warn(
          "Several {} providers handle '{}:' with the same priority: using {}, ignoring {}",
          what,
          scheme,
          candidates.get(0).getClass().getName(),
          candidates.subList(1, candidates.size()).stream()
              .map(p -> p.getClass().getName())
              .toList());
    }
    return candidates.get(0);
  }

  static String missingMessage(String scheme, String what) {
    String module = MODULE_FOR_SCHEME.get(scheme);
    if (module != null) {
      return "No "
          + what
          + " for '"
          + scheme
          + ":' URIs on the classpath. Add the dependency dev.mlops:"
          + module
          + " (same version as mlops-core).";
    }
    return "No "
        + what
        + " handles '"
        + scheme
        + ":' URIs. Supported: sqlite:, file: and plain paths (mlops-core), http(s): (mlops-mlflow),"
        + " s3: (mlops-s3), gs: (mlops-gcs), sagemaker: (mlops-sagemaker).";
  }
}
