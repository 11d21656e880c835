/**
 * The API users call: open an {@link dev.mlops.Mlops} and use its {@link dev.mlops.Tracking},
 * {@link dev.mlops.ModelRegistry}, {@link dev.mlops.Artifacts} and {@link dev.mlops.Models}.
 *
 * <p>Values are immutable records; every failure is an unchecked {@link dev.mlops.MlopsException}.
 */
@NullMarked
package dev.mlops;

import org.jspecify.annotations.NullMarked;
