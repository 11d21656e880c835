/**
 * The {@code s3://} artifact store: artifacts in Amazon S3 or an S3-compatible store (MinIO, Ceph,
 * S3Proxy). Put {@code dev.mlops:mlops-s3} on the classpath and use an {@code s3://bucket/prefix}
 * artifact location; {@link dev.mlops.s3.S3ArtifactStoreProvider} is found with {@link
 * java.util.ServiceLoader}.
 *
 * <p>Large files move as parallel multipart uploads and parallel ranged downloads with bounded
 * memory; checksums are verified end to end; a failed upload aborts its multipart upload. {@link
 * dev.mlops.s3.TransferListener} reports progress. Settings are listed on {@link
 * dev.mlops.s3.S3ArtifactStoreProvider}.
 */
@NullMarked
package dev.mlops.s3;

import org.jspecify.annotations.NullMarked;
