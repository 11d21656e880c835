package dev.mlops.serving;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.ModelVersion;
import dev.mlops.ResolvedModel;
import dev.mlops.model.MlModel;
import dev.mlops.model.Predictor;
import dev.mlops.spi.PredictorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads predictors by model URI.
 *
 * <pre>{@code
 * try (Predictor p = Predictors.load(mlops, "models:/fraud@champion")) {   // GPU if available
 *   float[][] scores = p.predict(rows);
 * }
 *
 * Predictor batched = Predictors.load(mlops, "models:/fraud/3",
 *     PredictorOptions.builder().device(Device.cpu()).batching(64, Duration.ofMillis(2)).build());
 * }</pre>
 *
 * <p>The URI is resolved to one version, downloaded through the model cache (once per version,
 * across threads and processes), and loaded by the {@link PredictorFactory} for its flavor ({@code
 * onnx} is built in; others come from modules on the classpath). To follow an alias as it moves,
 * use {@link LivePredictor}. Thread-safe.
 */
public final class Predictors {

  private static final Logger LOG = LoggerFactory.getLogger(Predictors.class);

  private Predictors() {}

  /** Loads {@code modelUri} with {@link PredictorOptions#defaults()}. */
  public static Predictor load(Mlops mlops, String modelUri) {
    return load(mlops, modelUri, PredictorOptions.defaults());
  }

  /**
   * Loads {@code modelUri} ({@code models:/name@alias}, {@code models:/name/3}, {@code
   * models:/name/Production}, {@code runs:/<id>/model}, ...).
   */
  public static Predictor load(Mlops mlops, String modelUri, PredictorOptions options) {
    ResolvedModel resolved = mlops.models().resolve(modelUri);
    String exact = resolved.modelVersion().map(ModelVersion::modelUri).orElse(modelUri);
    Path dir = mlops.models().download(exact);
    LOG.debug("Loading {} ({}) from {}", modelUri, exact, dir);
    return load(dir, options);
  }

  /** Loads the model in a local directory (holding {@code MLmodel}). */
  public static Predictor load(Path modelDir, PredictorOptions options) {
    MlModel mlModel = MlModel.read(modelDir);
    PredictorFactory factory = factoryFor(mlModel, modelDir);
    Predictor p = factory.create(modelDir, mlModel, options.toSettings());
    if (options.batching().isEmpty()) {
      return p;
    }
    try {
      return new BatchingPredictor(p, options.batching().get());
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Loads exactly {@code version}, for {@link LivePredictor}. */
  static Predictor load(Mlops mlops, ModelVersion version, PredictorOptions options) {
    return load(mlops.models().download(version.modelUri()), options);
  }

  private static PredictorFactory factoryFor(MlModel mlModel, Path modelDir) {
    List<PredictorFactory> candidates = new ArrayList<>();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    for (PredictorFactory f :
        ServiceLoader.load(
            PredictorFactory.class, cl != null ? cl : Predictors.class.getClassLoader())) {
      if (f.flavors().stream().anyMatch(mlModel.flavors()::containsKey)) {
        candidates.add(f);
      }
    }
    if (candidates.isEmpty()) {
      if (mlModel.flavors().isEmpty()) {
        throw new InvalidInputException(
            "The MLmodel file in '" + modelDir + "' lists no flavors: it cannot be loaded.");
      }
      throw new MlopsException(
          "No predictor on the classpath loads the flavors "
              + mlModel.flavors().keySet()
              + " of the model in '"
              + modelDir
              + "'. mlops-serving loads 'onnx' models: export the model to ONNX and log it with"
              + " run.logModel(path, OnnxModel.of(file)).");
    }
    candidates.sort(
        Comparator.comparingInt(PredictorFactory::priority)
            .reversed()
            .thenComparing(f -> f.getClass().getName()));
    return candidates.get(0);
  }
}
