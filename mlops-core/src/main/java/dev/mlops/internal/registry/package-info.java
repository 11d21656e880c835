/** Internal: registry. Not API. */
@NullMarked
package dev.mlops.internal.registry;

import org.jspecify.annotations.NullMarked;
