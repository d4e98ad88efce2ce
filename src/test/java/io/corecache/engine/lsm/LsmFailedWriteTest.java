package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A failed log fsync fails the engine: no later write is acknowledged until a reopen replays the log. */
class LsmFailedWriteTest {

    @TempDir
    Path dir;

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LsmOptions options(FileOps fileOps) {
        return LsmOptions.defaults().withMemtableBytes(64 << 10)
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(Durability.SYNC));
    }

    @Test
    void aFailedLogFsyncFailsEveryLaterWriteUntilReopen() {
        FaultyFileOps faulty = new FaultyFileOps();
        try (LsmEngine engine = LsmEngine.open(dir, options(faulty))) {
            engine.put(b("kept"), b("1"), 1);
            faulty.failSyncs(1, FaultyFileOps.nameEndsWith(LsmFiles.WAL));
            assertThrows(StorageException.class, () -> engine.put(b("unacknowledged"), b("2"), 2));
            assertNull(engine.get(b("unacknowledged")), "a write whose fsync failed is not visible");
            faulty.heal();
            assertThrows(StorageException.class, () -> engine.put(b("later"), b("3"), 3));
            assertThrows(StorageException.class, engine::flush);
            assertArrayEquals(b("1"), engine.get(b("kept")).value(), "reads go on working");
        }
        try (LsmEngine reopened = LsmEngine.open(dir, options(FileOps.DEFAULT))) {
            assertArrayEquals(b("1"), reopened.get(b("kept")).value());
            assertNull(reopened.get(b("later")));
            reopened.put(b("later"), b("3"), 3);
            assertArrayEquals(b("3"), reopened.get(b("later")).value());
        }
    }
}
