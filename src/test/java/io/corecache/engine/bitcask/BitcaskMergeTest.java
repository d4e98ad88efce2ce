package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.EngineStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BitcaskMergeTest {

    @TempDir
    Path dir;

    private BitcaskOptions options(Duration mergeCheck) {
        return BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withDurability(Durability.NONE))
                .withMaxFileBytes(BitcaskOptions.MIN_FILE_BYTES)
                .withMergeThresholds(0.3, 1 << 20)
                .withMergeCheckEvery(mergeCheck);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, int size) {
        byte[] v = new byte[size];
        java.util.Arrays.fill(v, (byte) i);
        return v;
    }

    private List<String> names(String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void mergeReclaimsDeadSpaceAndKeepsLatestValues() throws Exception {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            long revision = 0;
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 2_000; i++) {
                    engine.put(b("key" + i), value(round, 1_000), ++revision);
                }
            }
            EngineStats before = engine.stats();
            assertTrue(before.deadBytes() > before.diskBytes() / 2, "four of five rounds are dead: " + before);
            engine.merge();
            EngineStats after = engine.stats();
            assertEquals(1, after.merges());
            assertTrue(after.diskBytes() < before.diskBytes() * 0.4, "before " + before + " after " + after);
            assertTrue(after.reclaimedBytes() > before.diskBytes() / 2);
            assertEquals(2_000, after.liveKeys());
            for (int i = 0; i < 2_000; i++) {
                assertEquals(4, engine.get(b("key" + i)).value()[0]);
            }
        }
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            assertEquals(2_000, engine.stats().liveKeys());
            assertEquals(10_000, engine.appliedRevision());
            assertEquals(4, engine.get(b("key1999")).value()[0]);
        }
    }

    @Test
    void aStoreSmallerThanOneFileStillReclaimsSpace() {
        BitcaskOptions bigFiles = options(Duration.ZERO).withMaxFileBytes(256L << 20);
        try (BitcaskEngine engine = BitcaskEngine.open(dir, bigFiles)) {
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 1_000; i++) {
                    engine.put(b("key" + i), value(round, 1_000), round * 1_000L + i + 1);
                }
            }
            EngineStats before = engine.stats();
            assertEquals(1, before.files());
            engine.merge();
            EngineStats after = engine.stats();
            assertTrue(after.diskBytes() < before.diskBytes() / 2, "before " + before + " after " + after);
            assertEquals(3, engine.get(b("key999")).value()[0]);
            engine.put(b("key0"), value(9, 10), 5_000);
        }
        try (BitcaskEngine engine = BitcaskEngine.open(dir, bigFiles)) {
            assertEquals(9, engine.get(b("key0")).value()[0]);
            assertEquals(3, engine.get(b("key1")).value()[0]);
            assertEquals(1_000, engine.stats().liveKeys());
        }
    }

    @Test
    void deletedKeysStayDeletedThroughMergeAndReopen() {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            long revision = 0;
            for (int i = 0; i < 3_000; i++) {
                engine.put(b("key" + i), value(1, 1_000), ++revision);
            }
            for (int i = 0; i < 3_000; i += 2) {
                engine.delete(b("key" + i), ++revision);
            }
            engine.merge();
            // Tombstones in the active file survive the merge; the old puts they hide are gone.
            engine.delete(b("key1"), ++revision);
            engine.merge();
        }
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            for (int i = 0; i < 3_000; i++) {
                if (i % 2 == 0 || i == 1) {
                    assertNull(engine.get(b("key" + i)), "key" + i + " came back");
                } else {
                    assertEquals(1, engine.get(b("key" + i)).value()[0]);
                }
            }
            assertEquals(4_501, engine.appliedRevision(), "a merge keeps the highest revision, even a delete's");
        }
    }

    @Test
    void immutableFilesGetHintFilesAndLeftoversOfAnUnfinishedMergeAreDiscarded() throws Exception {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            for (int i = 0; i < 4_000; i++) {
                engine.put(b("key" + i), value(2, 1_000), i + 1);
            }
        }
        Files.writeString(dir.resolve("00000000000000ff.data.merging"), "half a merge output");
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            assertEquals(4_000, engine.stats().liveKeys());
            List<String> data = names(".data");
            assertTrue(data.size() >= 4, "rolled over: " + data);
            // Every file but the active one has a hint once its background writer is done.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (names(".hint").size() < data.size() - 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(data.size() - 1, names(".hint").size(), "hints for " + data);
            assertTrue(names(".merging").isEmpty(), "leftover merge output deleted");
        }
    }

    @Test
    void automaticMergeRunsOnceDeadBytesPassTheThreshold() {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ofMillis(50)))) {
            long revision = 0;
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 1_500; i++) {
                    engine.put(b("key" + i), value(round, 1_000), ++revision);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (engine.stats().merges() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(engine.stats().merges() > 0, "no merge ran: " + engine.stats());
            assertEquals(3, engine.get(b("key7")).value()[0]);
        }
    }

    @Test
    void readersAndWritersCarryOnDuringMerges() throws Exception {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(Duration.ZERO))) {
            for (int i = 0; i < 2_000; i++) {
                engine.put(b("key" + i), value(i % 100, 500), 1);
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        for (int i = 0; i < 2_000; i += 37) {
                            byte[] v = engine.get(b("key" + i)).value();
                            if (v.length != 500) {
                                throw new AssertionError("bad value for key" + i);
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < 2_000; i++) {
                    engine.put(b("key" + i), value(i % 100, 500), 2 + round);
                }
                engine.merge();
            }
            done.set(true);
            reader.join();
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            assertEquals(8, engine.stats().merges());
        }
    }
}
