package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.Entry;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.corecache.engine.lsm.LsmFaultFixtures.b;
import static io.corecache.engine.lsm.ManifestFixtures.names;
import static io.corecache.engine.lsm.LsmFaultFixtures.s;
import static io.corecache.engine.lsm.LsmFaultFixtures.tables;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Flipped bits in the files of a real engine directory, found through the engine: a data block at read
 * time (only reads of that block fail, and a compaction that meets it fails the engine rather than drop
 * it); the index, the bloom filter, the footer, a write-ahead log record before intact ones, the
 * manifest and CURRENT at open. Each is a {@link CorruptionException} naming the file and the byte offset
 * of the damaged block, record or field; damaged bytes never come back as data. A damaged last log
 * record is taken for a write a crash cut short: it is dropped and the log cut there (docs/formats.md).
 */
class LsmCorruptionTest {

    private static final int KEYS = 2_000;

    @TempDir
    Path dir;

    /** No compaction (level 0 compacts at 4 tables): the damaged table stays as written. */
    private static LsmOptions options() {
        return LsmOptions.defaults().withMemtableBytes(1 << 20).withBlockCacheBytes(1 << 20)
                .withEngine(EngineOptions.DEFAULT.withFileOps(FileOps.CHANNELS).withDurability(Durability.NONE));
    }

    private static String key(int i) {
        return String.format("key-%05d", i);
    }

    private static String value(int i) {
        return "value-" + i + "-" + "v".repeat(i % 60);
    }

    /** One table of {@link #KEYS} keys (about 50 data blocks), closed cleanly; returns its path. */
    private Path oneTable() {
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            for (int i = 0; i < KEYS; i++) {
                engine.put(b(key(i)), b(value(i)), i + 1);
            }
            engine.flush();
        }
        List<Path> tables = tables(dir);
        assertEquals(1, tables.size(), names(dir).toString());
        return tables.get(0);
    }

    /** Where the writer put things, from the 52-byte footer (docs/formats.md, "LSM table"). */
    private record Layout(long fileSize, long indexOffset, long filterOffset, long propertiesOffset) {

        static Layout of(Path table) throws IOException {
            byte[] bytes = Files.readAllBytes(table);
            ByteBuffer footer = ByteBuffer.wrap(bytes, bytes.length - 52, 52).slice();
            return new Layout(bytes.length, footer.getLong(0), footer.getLong(12), footer.getLong(24));
        }

        long footerOffset() {
            return fileSize - 52;
        }
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ (1 << bit));
        }
    }

    private static void assertNames(CorruptionException e, Path file, long offset) {
        assertEquals(file, e.file(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("offset " + offset),
                "the message names the file and the offset: " + e.getMessage());
    }

    private CorruptionException assertOpenFails() {
        return assertThrows(CorruptionException.class, () -> LsmEngine.open(dir, options()).close());
    }

    // ------------------------------------------------------------------------------------------- tables

    @Test
    void aFlippedBitInADataBlockFailsOnlyReadsOfThatBlockAndNeverReturnsItsBytes() throws IOException {
        Path table = oneTable();
        long blockOffset;
        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, table)) {
            assertTrue(reader.blockCount() > 10, reader.blockCount() + " blocks");
            blockOffset = reader.blockOffset(5);
        }
        flipBit(table, blockOffset + 100, 3);

        try (LsmEngine engine = LsmEngine.open(dir, options())) { // data blocks are checked when read, not at open
            int failed = 0;
            for (int i = 0; i < KEYS; i++) {
                try {
                    Versioned v = engine.get(b(key(i)));
                    assertEquals(value(i), s(v.value()), key(i));
                } catch (CorruptionException e) {
                    assertNames(e, table, blockOffset);
                    failed++;
                }
            }
            assertTrue(failed > 0 && failed < 100, failed + " keys failed; a block holds a few dozen");

            List<String> before = new ArrayList<>();
            CorruptionException e = assertThrows(CorruptionException.class, () -> {
                try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
                    while (cursor.hasNext()) {
                        Entry entry = cursor.next();
                        before.add(s(entry.key()) + "=" + s(entry.version().value()));
                    }
                }
            });
            assertNames(e, table, blockOffset);
            for (int i = 0; i < before.size(); i++) {
                assertEquals(key(i) + "=" + value(i), before.get(i), "entries before the damaged block are intact");
            }
            engine.put(b("new"), b("write"), KEYS + 1); // writes go on: the damage is in one old table
            assertArrayEquals(b("write"), engine.get(b("new")).value());
        }
    }

    /**
     * A compaction that meets the damaged block does not carry on without it: it fails, which fails the
     * engine (writes refused until a reopen), the damaged table stays for an operator, and reads of the
     * other blocks go on.
     */
    @Test
    void aCompactionMeetingADamagedBlockFailsTheEngineAndKeepsTheTable() throws IOException {
        Path table = oneTable();
        long blockOffset;
        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, table)) {
            blockOffset = reader.blockOffset(3);
        }
        flipBit(table, blockOffset + 10, 0);

        LsmOptions compacting = options().withCompaction(LsmFaultFixtures.POLICY);
        try (LsmEngine engine = LsmEngine.open(dir, compacting)) {
            engine.put(b(key(0)), b("newer"), KEYS + 1);
            engine.flush(); // level 0 reaches two tables: the flusher compacts them
            LsmFaultFixtures.await(() -> {
                try {
                    engine.flush();
                    return false;
                } catch (StorageException e) {
                    return true;
                }
            }, "the compaction failing the engine");
            StorageException refused = assertThrows(StorageException.class,
                    () -> engine.put(b("later"), b("x"), KEYS + 2));
            CorruptionException cause = corruptionIn(refused);
            assertNames(cause, table, blockOffset);
            assertArrayEquals(b("newer"), engine.get(b(key(0))).value(), "reads go on");
            assertEquals(value(KEYS - 1), s(engine.get(b(key(KEYS - 1))).value()));
        }
        assertTrue(Files.exists(table), "the damaged table is kept");
    }

    private static CorruptionException corruptionIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CorruptionException c) {
                return c;
            }
        }
        throw new AssertionError("no CorruptionException among the causes of " + e, e);
    }

    enum Region { INDEX, FILTER, PROPERTIES }

    @ParameterizedTest
    @EnumSource(Region.class)
    void aFlippedBitInTheIndexBloomFilterOrPropertiesStopsTheOpen(Region region) throws IOException {
        Path table = oneTable();
        Layout layout = Layout.of(table);
        long offset = switch (region) {
            case INDEX -> layout.indexOffset();
            case FILTER -> layout.filterOffset();
            case PROPERTIES -> layout.propertiesOffset();
        };
        flipBit(table, offset + 7, 6);
        assertNames(assertOpenFails(), table, offset); // detected when the engine opens its tables
        flipBit(table, offset + 7, 6);
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            assertEquals(value(7), s(engine.get(b(key(7))).value()), "repaired, it opens and reads");
        }
    }

    @Test
    void aFlippedBitInTheFooterStopsTheOpen() throws IOException {
        Path table = oneTable();
        Layout layout = Layout.of(table);
        long footer = layout.footerOffset();
        // A handle (covered by the footer's checksum), then the magic (checked first, reported at its offset).
        for (long at : new long[] {footer + 3, footer + 47}) {
            flipBit(table, at, 1);
            assertNames(assertOpenFails(), table, at < footer + 44 ? footer : footer + 44);
            flipBit(table, at, 1);
        }
    }

    @Test
    void aFlippedBitAnywhereInATableIsNeverReturnedAsData() throws IOException {
        Path table = oneTable();
        long size = Files.size(table);
        Random random = new Random(11);
        for (int round = 0; round < 25; round++) {
            long at = random.nextLong(size);
            int bit = random.nextInt(8);
            flipBit(table, at, bit);
            try (LsmEngine engine = LsmEngine.open(dir, options())) {
                int i = 0;
                try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
                    for (; cursor.hasNext(); i++) {
                        Entry entry = cursor.next();
                        assertEquals(key(i) + "=" + value(i), s(entry.key()) + "=" + s(entry.version().value()),
                                "entry " + i + " with byte " + at + " damaged");
                    }
                }
                fail("every byte of a table is checked, yet damage at " + at + " went unnoticed (" + i + " read)");
            } catch (CorruptionException e) {
                assertEquals(table, e.file());
                assertTrue(e.offset() <= at, "damage at " + at + " reported at " + e.offset());
            }
            flipBit(table, at, bit);
        }
    }

    // --------------------------------------------------------------------------------- write-ahead log

    /** Writes {@code count} keys, one log record each, and closes (which fsyncs the log) without a flush. */
    private Path oneLog(int count) throws IOException {
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            for (int i = 0; i < count; i++) {
                engine.put(b(key(i)), b(value(i)), i + 1);
            }
        }
        List<Path> logs = names(dir).stream().filter(n -> n.endsWith(LsmFiles.WAL)).map(dir::resolve).toList();
        assertEquals(1, logs.size(), names(dir).toString());
        return logs.get(0);
    }

    /** The offsets of the log's frames ({@code length u32 | crc32c u32 | payload}), read as docs/formats.md says. */
    private static List<Long> frames(Path log) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(log));
        List<Long> offsets = new ArrayList<>();
        for (int at = 0; at < bytes.limit(); at += 8 + bytes.getInt(at)) {
            offsets.add((long) at);
        }
        return offsets;
    }

    @Test
    void aFlippedBitInALogRecordFollowedByIntactOnesStopsTheOpen() throws IOException {
        Path log = oneLog(50);
        List<Long> frames = frames(log);
        assertEquals(50, frames.size());
        long record = frames.get(20);
        for (long at : new long[] {record + 30, record + 1}) { // in the payload, then in the length
            byte[] intact = Files.readAllBytes(log);
            flipBit(log, at, 4);
            CorruptionException e = assertOpenFails();
            assertNames(e, log, record);
            assertTrue(Files.exists(log), "the damaged log is left for an operator");
            Files.write(log, intact);
        }
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            for (int i = 0; i < 50; i++) {
                assertEquals(value(i), s(engine.get(b(key(i))).value()), "repaired, every record replays");
            }
        }
    }

    @Test
    void aFlippedBitInTheLastLogRecordIsTakenForATornTailAndCut() throws IOException {
        Path log = oneLog(50);
        long last = frames(log).get(49);
        flipBit(log, last + 40, 2);
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            for (int i = 0; i < 49; i++) {
                assertEquals(value(i), s(engine.get(b(key(i))).value()), key(i));
            }
            assertNull(engine.get(b(key(49))), "the damaged last record is dropped, never read");
            assertEquals(49, engine.appliedRevision());
            engine.put(b(key(49)), b("again"), 50);
        }
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            assertArrayEquals(b("again"), engine.get(b(key(49))).value(), "writes after the cut are kept");
        }
    }

    // ---------------------------------------------------------------------------------------- manifest

    /** The offsets of the manifest's records (same framing as the log). */
    private Path manifestWithRecords(List<Long> offsets) throws IOException {
        oneTable();
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            engine.put(b("second"), b("table"), KEYS + 1);
            engine.flush();
        }
        List<Path> manifests = names(dir).stream().filter(n -> n.startsWith(LsmFiles.MANIFEST_PREFIX))
                .map(dir::resolve).toList();
        assertEquals(1, manifests.size());
        offsets.addAll(frames(manifests.get(0)));
        assertTrue(offsets.size() >= 4, "full state, then edits: " + offsets);
        return manifests.get(0);
    }

    @Test
    void aFlippedBitInTheManifestStopsTheOpen() throws IOException {
        List<Long> records = new ArrayList<>();
        Path manifest = manifestWithRecords(records);
        // The full state, then an edit with intact ones after it.
        for (long record : new long[] {records.get(0), records.get(1)}) {
            byte[] intact = Files.readAllBytes(manifest);
            flipBit(manifest, record + 9, 0);
            assertNames(assertOpenFails(), manifest, record);
            Files.write(manifest, intact);
        }
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            assertArrayEquals(b("table"), engine.get(b("second")).value());
            assertEquals(value(3), s(engine.get(b(key(3))).value()));
        }
    }

    @Test
    void aFlippedBitInTheLastManifestRecordWhoseFlushCommittedStopsTheOpen() throws IOException {
        List<Long> records = new ArrayList<>();
        Path manifest = manifestWithRecords(records);
        // The last edit is the flush of "second": committed, and its log deleted since. Taken for a torn
        // tail, it would be dropped with its table, and the write would be gone without a word.
        long last = records.get(records.size() - 1);
        flipBit(manifest, last + 9, 0);

        CorruptionException refused = assertOpenFails();

        assertNames(refused, manifest, last);
        assertTrue(refused.getMessage().contains("had committed"), refused.getMessage());
        flipBit(manifest, last + 9, 0);
        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            assertArrayEquals(b("table"), engine.get(b("second")).value(), "the refused open changed nothing");
        }
    }

    @Test
    void aDamagedLastManifestRecordOfAnEditThatNeverCommittedIsDropped() throws IOException {
        List<Long> records = new ArrayList<>();
        Path manifest = manifestWithRecords(records);
        // What a crash in the middle of an append leaves: a whole-looking record whose bytes did not all land.
        byte[] torn = new byte[8 + 40];
        ByteBuffer.wrap(torn).putInt(40).putInt(0x1234_5678);
        Files.write(manifest, torn, StandardOpenOption.APPEND);
        long size = Files.size(manifest);

        try (LsmEngine engine = LsmEngine.open(dir, options())) {
            assertArrayEquals(b("table"), engine.get(b("second")).value());
            assertEquals(value(3), s(engine.get(b(key(3))).value()));
        }
        assertTrue(Files.size(manifest) < size, "the torn record was cut off");
    }

    @Test
    void aGarbledCurrentStopsTheOpen() throws IOException {
        oneTable();
        Path current = dir.resolve(LsmFiles.CURRENT);
        flipBit(current, 2, 5); // "MANIFEST-..." no longer
        assertNames(assertOpenFails(), current, 0);
    }
}
