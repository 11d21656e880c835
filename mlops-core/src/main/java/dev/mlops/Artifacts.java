package dev.mlops;

import java.nio.file.Path;
import java.util.List;

/**
 * Artifact stores, picked by URI scheme. Get it from {@link Mlops#artifacts()}.
 *
 * <pre>{@code
 * List<FileInfo> files = mlops.artifacts().list("runs:/" + runId + "/model");
 * Path local = mlops.artifacts().download("runs:/" + runId + "/report.html", Path.of("out"));
 * }</pre>
 *
 * <p>URIs: {@code file:}/plain paths, {@code runs:/<runId>/<path>}, {@code models:/...}, and any
 * scheme an {@link dev.mlops.spi.ArtifactStoreProvider} on the classpath handles ({@code s3://}
 * with {@code mlops-s3}, {@code gs://} with {@code mlops-gcs}). Thread-safe.
 */
public interface Artifacts {

  /** The store rooted at {@code artifactUri}. @throws MlopsException naming the module to add */
  ArtifactStore store(String artifactUri);

  /** The store rooted at a run's artifact URI. */
  ArtifactStore forRun(String runId);

  /** Lists the direct children of a directory given by URI (e.g. {@code runs:/<id>/model}). */
  List<FileInfo> list(String artifactUri);

  /** Downloads a file or directory given by URI into {@code targetDir}; returns the local path. */
  Path download(String artifactUri, Path targetDir);
}
