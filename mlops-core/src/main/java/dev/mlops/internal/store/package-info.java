/** Internal: store. Not API. */
@NullMarked
package dev.mlops.internal.store;

import org.jspecify.annotations.NullMarked;
