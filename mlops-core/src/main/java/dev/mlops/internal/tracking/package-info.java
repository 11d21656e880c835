/** Internal: tracking. Not API. */
@NullMarked
package dev.mlops.internal.tracking;

import org.jspecify.annotations.NullMarked;
