/** Internal: search. Not API. */
@NullMarked
package dev.mlops.internal.search;

import org.jspecify.annotations.NullMarked;
