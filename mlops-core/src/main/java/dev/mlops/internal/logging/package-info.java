/**
 * Internal: the asynchronous logging engine behind {@link dev.mlops.ActiveRun}'s {@code log*} and
 * {@code setTag} calls. Callers put points on a bounded queue through a {@link
 * dev.mlops.internal.logging.RunChannel}; one background worker per {@link
 * dev.mlops.internal.logging.LoggingEngine} groups them by run into {@link
 * dev.mlops.internal.logging.LogBatch}es within the backend's {@link dev.mlops.spi.BatchLimits} and
 * hands them to a {@link dev.mlops.internal.logging.BatchSink}, retrying transient failures. In
 * SPILL mode the queue is a memory-mapped write-ahead journal on disk, replayed after a crash. Not
 * API.
 */
@NullMarked
package dev.mlops.internal.logging;

import org.jspecify.annotations.NullMarked;
