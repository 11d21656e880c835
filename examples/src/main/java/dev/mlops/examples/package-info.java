/** Runnable programs a newcomer copies from. */
@NullMarked
package dev.mlops.examples;

import org.jspecify.annotations.NullMarked;
