/**
 * Internal: {@link dev.mlops.Tracking} and {@link dev.mlops.ActiveRun} over a {@link
 * dev.mlops.spi.TrackingBackend}. Arguments are validated here, before anything is queued or
 * written; {@code log*} calls go through the {@link dev.mlops.internal.logging.LoggingEngine}. Not
 * API.
 */
@NullMarked
package dev.mlops.internal.tracking;

import org.jspecify.annotations.NullMarked;
