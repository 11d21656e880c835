/** The embedded store and the local artifact store run the contracts, plus end-to-end proofs. */
@NullMarked
package dev.mlops.testkit.embedded;

import org.jspecify.annotations.NullMarked;
