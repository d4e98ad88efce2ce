package io.corecache.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's copy of its cluster's placement table, kept in {@code placement.json} in its data directory.
 * It tells the node, before any other node answers, which cluster it belongs to and which replicas its
 * directory holds; a new coordinator rebuilds the placement from these copies.
 */
final class PlacementFile {

    static final String FILE = "placement.json";

    private PlacementFile() {
    }

    /** The table kept in {@code dataDir}, or null when the node has never been given one. */
    static PlacementTable read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            PlacementTable table = JsonFiles.JSON.readValue(file.toFile(), PlacementTable.class);
            if (table == null) {
                throw new NodeStartException("cannot read " + file.toAbsolutePath() + " (the placement table): it is empty");
            }
            return table;
        } catch (IOException | IllegalArgumentException e) {
            throw new NodeStartException("cannot read " + file.toAbsolutePath() + " (the placement table): "
                    + e.getMessage(), e);
        }
    }

    static void write(Path dataDir, PlacementTable table) throws IOException {
        JsonFiles.writeAtomically(dataDir.resolve(FILE), table);
    }
}
