/** Shared machinery behind the API. Not API: nothing outside mlops-java may depend on it. */
@NullMarked
package dev.mlops.internal;

import org.jspecify.annotations.NullMarked;
