/**
 * The MLflow tracking server backend: tracking, model registry and the {@code mlflow-artifacts}
 * proxy over MLflow's REST API (2.0), with OkHttp and Jackson and no Python anywhere.
 *
 * <p>Add {@code dev.mlops:mlops-mlflow} and point the SDK at a server; nothing else changes:
 *
 * <pre>{@code
 * try (Mlops mlops = Mlops.open("http://mlflow:5000")) {   // or MLFLOW_TRACKING_URI
 *   try (ActiveRun run = mlops.tracking().startRun("fraud-model")) {
 *     run.logMetric("loss", 0.12, 1);                        // batched into runs/log-batch
 *   }
 * }
 * }</pre>
 *
 * <h2>Settings</h2>
 *
 * Read by their environment-variable names (or the matching system property, or {@code
 * Mlops.builder().setting(...)}), as the MLflow Python client reads them:
 *
 * <ul>
 *   <li>{@code MLFLOW_TRACKING_TOKEN}: sent as {@code Authorization: Bearer ...};
 *   <li>{@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}: HTTP Basic auth;
 *   <li>{@code MLFLOW_TRACKING_INSECURE_TLS}: {@code true} skips certificate and host name checks;
 *   <li>{@code MLFLOW_TRACKING_SERVER_CERT_PATH}: a PEM file of CA certificates to trust;
 *   <li>{@code MLFLOW_HTTP_REQUEST_TIMEOUT}: seconds, default 120;
 *   <li>{@code MLFLOW_HTTP_REQUEST_MAX_RETRIES}: default 5; {@code
 *       MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR}: seconds, default 1; {@code
 *       MLFLOW_HTTP_REQUEST_MAX_BACKOFF}: seconds, default 30;
 *   <li>{@code MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD}: {@code true} uploads files of at least {@code
 *       MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE} bytes (default 500 MB) in parts of {@code
 *       MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE} bytes (default 100 MB) where the server offers it.
 * </ul>
 *
 * <p>Credentials are never logged and never appear in exception messages or {@code toString()}.
 */
@NullMarked
package dev.mlops.mlflow;

import org.jspecify.annotations.NullMarked;
