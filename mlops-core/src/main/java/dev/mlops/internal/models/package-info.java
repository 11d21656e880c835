/** Internal: models. Not API. */
@NullMarked
package dev.mlops.internal.models;

import org.jspecify.annotations.NullMarked;
