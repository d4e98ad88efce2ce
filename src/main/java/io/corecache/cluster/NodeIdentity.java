package io.corecache.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a node is, kept in {@code node.json} in its data directory: a stable id (the {@code @node} of its
 * replicas' names), the partition count and the engine the directory was created with. Both are fixed at
 * creation, because a key's partition depends on the count and a partition's files on the engine; a start
 * with different settings is refused and changes nothing.
 */
public record NodeIdentity(int format, String nodeId, int partitions, String engine, String createdAt) {

    static final String FILE = "node.json";
    /** Where the partitions' data lives in a data directory (see {@link NodeSettings#partitionDir}). */
    static final String PARTITIONS_DIR = "partitions";
    private static final int FORMAT = 1;
    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final ObjectMapper JSON = JsonFiles.JSON;

    /** Reads the identity of {@code dataDir}, creating it (and the directory) on first use. */
    public static NodeIdentity openOrCreate(Path dataDir, int partitions, String engine) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                NodeIdentity found = read(file);
                found.checkMatches(dataDir, partitions, engine);
                return found;
            }
            refuseOrphanedData(dataDir, file);
            Files.createDirectories(dataDir);
            NodeIdentity created = new NodeIdentity(FORMAT, newNodeId(), partitions, engine, Instant.now().toString());
            created.write(file);
            return created;
        } catch (IOException e) {
            throw new NodeStartException("cannot use data directory " + dataDir.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * Partition data without node.json (deleted, or lost with a partial copy) is not a new directory: a new
     * identity could record another partition count, and every key would then be looked for in the wrong
     * partition. Refusing leaves the operator to restore node.json rather than silently hiding the data.
     */
    private static void refuseOrphanedData(Path dataDir, Path file) throws IOException {
        if (holdsPartitionData(dataDir)) {
            throw new NodeStartException("data directory " + dataDir.toAbsolutePath() + " holds partition data ("
                    + dataDir.resolve(PARTITIONS_DIR).toAbsolutePath() + ") but no " + FILE + "; restore "
                    + file.toAbsolutePath() + " from a backup, or use a new data directory");
        }
    }

    /** True if any partition directory of {@code dataDir} holds files. */
    static boolean holdsPartitionData(Path dataDir) throws IOException {
        Path partitionsDir = dataDir.resolve(PARTITIONS_DIR);
        if (!Files.isDirectory(partitionsDir)) {
            return false;
        }
        try (var partitionDirs = Files.list(partitionsDir)) {
            for (Path partitionDir : (Iterable<Path>) partitionDirs::iterator) {
                if (holdsFiles(partitionDir)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A partition directory with anything in it; a stray file or an empty directory is no partition's data. */
    private static boolean holdsFiles(Path partitionDir) throws IOException {
        if (!Files.isDirectory(partitionDir)) {
            return false;
        }
        try (var entries = Files.list(partitionDir)) {
            return entries.findAny().isPresent();
        }
    }

    static void checkNodeId(String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("not a node id (lower-case letters, digits and '-'): '" + nodeId + "'");
        }
    }

    private static NodeIdentity read(Path file) throws IOException {
        NodeIdentity identity;
        try {
            identity = JSON.readValue(file.toFile(), NodeIdentity.class);
        } catch (IOException e) {
            throw new NodeStartException("cannot read " + file.toAbsolutePath() + " (the node's identity): "
                    + e.getMessage(), e);
        }
        if (identity == null) {
            throw new NodeStartException("cannot read " + file.toAbsolutePath() + " (the node's identity): it is empty");
        }
        if (identity.format != FORMAT) {
            throw new NodeStartException(file.toAbsolutePath() + " has format " + identity.format
                    + "; this version reads format " + FORMAT);
        }
        try {
            checkNodeId(identity.nodeId);
        } catch (IllegalArgumentException e) {
            throw new NodeStartException(file.toAbsolutePath() + " is damaged: " + e.getMessage(), e);
        }
        if (identity.partitions < 1 || identity.engine == null || identity.engine.isBlank()) {
            throw new NodeStartException(file.toAbsolutePath() + " is damaged: it records partitions = "
                    + identity.partitions + " and engine = " + identity.engine);
        }
        return identity;
    }

    private void checkMatches(Path dataDir, int wantedPartitions, String wantedEngine) {
        if (partitions != wantedPartitions) {
            throw new NodeStartException("data directory " + dataDir.toAbsolutePath() + " was created with "
                    + partitions + " partitions, but corecache.partitions is " + wantedPartitions
                    + "; the partition count is fixed when a directory is created: start with partitions = "
                    + partitions + " or use a new data directory");
        }
        if (!engine.equals(wantedEngine)) {
            throw new NodeStartException("data directory " + dataDir.toAbsolutePath() + " holds " + engine
                    + " partitions, but corecache.engine is " + wantedEngine
                    + "; start with engine = " + engine + " or use a new data directory");
        }
    }

    private void write(Path file) throws IOException {
        JsonFiles.writeAtomically(file, this);
    }

    private static String newNodeId() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return "n" + HexFormat.of().formatHex(random);
    }
}
