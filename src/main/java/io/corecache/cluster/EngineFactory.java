package io.corecache.cluster;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;

import java.nio.file.Path;

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
            case "lsm" -> throw new NodeStartException("the lsm engine is not available in this version yet; "
                    + "use corecache.engine = bitcask");
            default -> throw new NodeStartException("unknown engine '" + settings.engine() + "'");
        };
    }
}
