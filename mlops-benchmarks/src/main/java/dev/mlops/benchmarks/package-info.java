/** Benchmarks and comparison harnesses. Not published; not tests. */
@NullMarked
package dev.mlops.benchmarks;

import org.jspecify.annotations.NullMarked;
