/**
 * The backend contract kit: abstract JUnit 5 classes that every backend runs to prove it behaves
 * like the embedded store and like MLflow.
 *
 * <h2>What is in it</h2>
 *
 * <ul>
 *   <li>{@link dev.mlops.testkit.TrackingBackendContract}: experiments, runs, params, metrics,
 *       tags, nested runs, metric history, run search (every operator, quoting, ordering, paging),
 *       delete/restore, validation and the {@link dev.mlops.ActiveRun} life cycle.
 *   <li>{@link dev.mlops.testkit.RegistryBackendContract}: registered models, versions, aliases,
 *       stages and resolution of {@code models:/} and {@code runs:/} URIs.
 *   <li>{@link dev.mlops.testkit.ArtifactStoreContract}: upload, list, download, open and delete on
 *       one {@link dev.mlops.ArtifactStore}.
 *   <li>{@link dev.mlops.testkit.ObjectStoreContract}: the artifact store contract plus the cases
 *       where key prefixes and directories part ways, for stores over a flat object namespace (S3,
 *       Cloud Storage).
 * </ul>
 *
 * <p>Each contract has one factory method and a {@code @Nested} class per capability; every test is
 * named by a sentence saying what must hold. The kit uses only the public API ({@code dev.mlops}),
 * so what it proves is what users see.
 *
 * <h2>How a backend author uses it</h2>
 *
 * <p>Add {@code dev.mlops:mlops-testkit} with test scope, plus {@code junit-jupiter-engine}, and
 * write one short subclass per contract. The factory is called once per test with a fresh temporary
 * directory and must return a client to a store that holds no data of earlier tests. The kit closes
 * what the factory returns when the test ends; register anything else the test should close (a fake
 * server, a client) with {@code closeAfterTest}.
 *
 * <pre>{@code
 * package com.example.mlops;
 *
 * import dev.mlops.Mlops;
 * import dev.mlops.testkit.BackendCapabilities;
 * import dev.mlops.testkit.TrackingBackendContract;
 * import java.nio.file.Path;
 *
 * class MyServerTrackingContractTest extends TrackingBackendContract {
 *
 *   @Override
 *   protected Mlops openMlops(Path workDir) {
 *     MyFakeServer server = closeAfterTest(MyFakeServer.start(workDir.resolve("data")));
 *     return Mlops.builder()
 *         .trackingUri(server.uri())
 *         .workingDirectory(workDir)
 *         .cacheDir(workDir.resolve("cache"))
 *         .build();
 *   }
 *
 *   @Override
 *   protected BackendCapabilities capabilities() {
 *     return BackendCapabilities.all().toBuilder().supportsExperimentRename(false).build();
 *   }
 * }
 * }</pre>
 *
 * <p>A capability declared missing in {@link dev.mlops.testkit.BackendCapabilities} turns its tests
 * into skipped ("aborted") tests rather than passed ones. The tests never sleep and never assert
 * timings: they wait with {@link dev.mlops.ActiveRun#flush()} and compare stored data only.
 */
@NullMarked
package dev.mlops.testkit;

import org.jspecify.annotations.NullMarked;
