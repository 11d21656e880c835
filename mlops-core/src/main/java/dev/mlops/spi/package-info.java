/**
 * What a backend implements: {@link dev.mlops.spi.TrackingBackend}, {@link
 * dev.mlops.spi.RegistryBackend} and {@link dev.mlops.ArtifactStore}, each made by a provider found
 * with {@link java.util.ServiceLoader} and chosen by URI scheme.
 *
 * <p>Backends stay small: validation, batching, retries, pagination helpers and error mapping live
 * in core. A backend proves itself by passing the contract kit in {@code mlops-testkit}.
 */
@NullMarked
package dev.mlops.spi;

import org.jspecify.annotations.NullMarked;
