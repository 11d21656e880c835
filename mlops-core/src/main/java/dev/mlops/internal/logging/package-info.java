/** Internal: logging. Not API. */
@NullMarked
package dev.mlops.internal.logging;

import org.jspecify.annotations.NullMarked;
