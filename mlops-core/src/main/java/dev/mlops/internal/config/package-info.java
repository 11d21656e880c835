/** Internal: config. Not API. */
@NullMarked
package dev.mlops.internal.config;

import org.jspecify.annotations.NullMarked;
