/**
 * The storage-engine contract every engine implements, and the pieces engines share: versions, batches,
 * limits, errors, checksums, the checkpoint format and the {@link io.corecache.engine.FileOps} seam.
 *
 * <p>This package and its sub-packages never import Pekko (an architecture test keeps it so): the engines
 * are plain Java, driven by the cluster layer.
 */
package io.corecache.engine;
