/** Internal: artifacts. Not API. */
@NullMarked
package dev.mlops.internal.artifacts;

import org.jspecify.annotations.NullMarked;
