/**
 * The {@code gs://} artifact store: artifacts in Google Cloud Storage. Put {@code
 * dev.mlops:mlops-gcs} on the classpath and use a {@code gs://bucket/prefix} artifact location;
 * {@link dev.mlops.gcs.GcsArtifactStoreProvider} is found with {@link java.util.ServiceLoader}.
 *
 * <p>Uploads are resumable and carry the file's CRC32C, which Cloud Storage checks before it
 * commits the object; downloads are checked against the stored CRC32C before they are renamed into
 * place. Settings are listed on {@link dev.mlops.gcs.GcsArtifactStoreProvider}.
 */
@NullMarked
package dev.mlops.gcs;

import org.jspecify.annotations.NullMarked;
