package io.corecache.cluster;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;
import io.corecache.engine.lsm.LsmEngine;
import io.corecache.engine.lsm.LsmOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens a partition's engine as the node's settings say. */
final class EngineFactory {

    private EngineFactory() {
    }

    /**
     * In {@code sync} mode the engine itself never fsyncs per write: the replica batches fsyncs across its
     * writes ({@link DurableReplies}) and acknowledges after them, which is the same group commit without a
     * thread blocked per writer.
     */
    static StorageEngine open(NodeSettings settings, Path dir) {
        createDurably(dir);
        Durability engineDurability = settings.durability() == Durability.SYNC ? Durability.NONE : settings.durability();
        EngineOptions options = EngineOptions.DEFAULT
                .withLimits(settings.limits())
                .withDurability(engineDurability)
                .withSyncInterval(settings.syncInterval());
        return switch (settings.engine()) {
            case "bitcask" -> BitcaskEngine.open(dir, BitcaskOptions.defaults()
                    .withEngine(options)
                    .withMaxFileBytes(settings.bitcaskMaxFileBytes())
                    .withMergeThresholds(settings.bitcaskMergeDeadRatio(), settings.bitcaskMergeMinDeadBytes())
                    .withMergeCheckEvery(settings.bitcaskMergeCheckEvery()));
            case "lsm" -> LsmEngine.open(dir, LsmOptions.defaults()
                    .withEngine(options)
                    .withMemtableBytes(settings.lsmMemtableBytes())
                    .withBlockCacheBytes(settings.lsmBlockCacheBytes()));
            default -> throw new NodeStartException("engine '" + settings.engine() + "' is not available");
        };
    }

    /**
     * Creates a new partition directory and fsyncs the directories above it, so a power loss cannot drop
     * the directory that holds a partition's first acknowledged writes.
     */
    private static void createDurably(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            // partitions/ gained an entry, and the data directory may have gained partitions/.
            syncDirectory(dir.getParent());
            syncDirectory(dir.getParent().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
