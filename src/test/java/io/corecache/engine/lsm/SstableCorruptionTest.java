package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damage anywhere in a table is reported as {@link CorruptionException} naming the file and the offset of
 * the damaged block or footer field, and never comes back as data: flipped bits in a data block (only
 * reads of that block fail), in the index, filter and properties blocks and the footer (the table does not
 * open), at random places anywhere, a truncated file, and a table cut short or garbled by a crash.
 * The test finds the blocks from the footer itself, as docs/formats.md describes it.
 */
class SstableCorruptionTest {

    @TempDir
    Path tmp;

    private Path path;
    private List<InternalEntry> entries;
    private Layout layout;

    /** Where the writer put things, read from the 52-byte footer: handles are u64 offset | u32 size. */
    private record Layout(long fileSize, long indexOffset, int indexSize, long filterOffset, int filterSize,
                          long propertiesOffset, int propertiesSize) {

        long footerOffset() {
            return fileSize - 52;
        }
    }

    private static Layout layoutOf(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer footer = ByteBuffer.wrap(bytes, bytes.length - 52, 52).slice();
        return new Layout(bytes.length, footer.getLong(0), footer.getInt(8), footer.getLong(12), footer.getInt(20),
                footer.getLong(24), footer.getInt(32));
    }

    @BeforeEach
    void writeTable() throws IOException {
        path = tmp.resolve("000000000000002a.sst");
        entries = SstableTestData.smallEntries(3_000);
        SstableTestData.write(path, entries);
        layout = layoutOf(path);
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ (1 << bit));
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private void assertOpenFailsAt(long offset) {
        CorruptionException e = assertThrows(CorruptionException.class, () -> SstableReader.open(FileOps.DEFAULT, path));
        assertEquals(path, e.file());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("offset " + offset),
                e.getMessage());
    }

    @Test
    void theFooterDescribesTheLayout() throws IOException {
        assertEquals(layout.filterOffset() + layout.filterSize(), layout.propertiesOffset());
        assertEquals(layout.propertiesOffset() + layout.propertiesSize(), layout.indexOffset());
        assertEquals(layout.indexOffset() + layout.indexSize(), layout.footerOffset());
        byte[] bytes = Files.readAllBytes(path);
        assertEquals("CCSSTBL1", new String(bytes, bytes.length - 8, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, ByteBuffer.wrap(bytes).getInt((int) layout.footerOffset() + 36), "format version");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100, -1})
    void aFlippedBitInADataBlockFailsOnlyReadsOfThatBlock(int where) throws IOException {
        long blockOffset;
        long nextBlock;
        try (SstableReader clean = SstableReader.open(FileOps.DEFAULT, path)) {
            assertTrue(clean.blockCount() > 10);
            blockOffset = clean.blockOffset(5);
            nextBlock = clean.blockOffset(6);
        }
        // The block's first byte, a byte inside it, or its CRC trailer's last byte.
        flipBit(path, where >= 0 ? blockOffset + where : nextBlock + where, 2);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            int failed = 0;
            for (InternalEntry e : entries) {
                try {
                    assertEquals(e, reader.get(e.key(), Long.MAX_VALUE));
                } catch (CorruptionException c) {
                    assertEquals(path, c.file());
                    assertEquals(blockOffset, c.offset(), c.getMessage());
                    failed++;
                }
            }
            assertTrue(failed > 0 && failed < 100, failed + " keys failed; the block holds about 70");

            TableIterator it = reader.iterator();
            List<InternalEntry> before = new ArrayList<>();
            CorruptionException c = assertThrows(CorruptionException.class, () -> {
                while (it.hasNext()) {
                    before.add(it.next());
                }
            });
            assertEquals(blockOffset, c.offset());
            assertEquals(entries.subList(0, before.size()), before, "entries before the damaged block are intact");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Region.class)
    void aFlippedBitInTheIndexFilterOrPropertiesBlockStopsTheOpen(Region region) throws IOException {
        long offset = region.offset(layout);
        int size = region.size(layout);
        for (long at : new long[] {offset, offset + size / 2, offset + size - 1}) {
            flipBit(path, at, 5);
            assertOpenFailsAt(offset);
            flipBit(path, at, 5);
        }
        SstableReader.open(FileOps.DEFAULT, path).close(); // and repaired, it opens again
    }

    enum Region {
        INDEX, FILTER, PROPERTIES;

        long offset(Layout l) {
            return switch (this) {
                case INDEX -> l.indexOffset();
                case FILTER -> l.filterOffset();
                case PROPERTIES -> l.propertiesOffset();
            };
        }

        int size(Layout l) {
            return switch (this) {
                case INDEX -> l.indexSize();
                case FILTER -> l.filterSize();
                case PROPERTIES -> l.propertiesSize();
            };
        }
    }

    @Test
    void aFlippedBitAnywhereInTheFooterStopsTheOpen() throws IOException {
        long footer = layout.footerOffset();
        for (int i = 0; i < 52; i++) {
            flipBit(path, footer + i, i % 8);
            // The magic is checked first (is this a table at all?), then the checksum over the rest.
            assertOpenFailsAt(i >= 44 ? footer + 44 : footer);
            flipBit(path, footer + i, i % 8);
        }
    }

    @Test
    void aFlippedBitAtARandomPlaceIsAlwaysFoundAndNeverReturnedAsData() throws IOException {
        Random random = new Random(9);
        for (int round = 0; round < 150; round++) {
            long at = random.nextLong(layout.fileSize());
            int bit = random.nextInt(8);
            flipBit(path, at, bit);
            try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
                int i = 0;
                for (TableIterator it = reader.iterator(); it.hasNext(); i++) {
                    assertEquals(entries.get(i), it.next(), "entry " + i + " with byte " + at + " damaged");
                }
                fail("every byte is covered by a checksum or the magic, yet damage at " + at + " went unnoticed");
            } catch (CorruptionException e) {
                assertEquals(path, e.file());
                assertTrue(e.offset() <= at, "damage at " + at + " reported at " + e.offset());
            }
            flipBit(path, at, bit);
        }
    }

    @Test
    void aTruncatedTableIsDetected() throws IOException {
        byte[] whole = Files.readAllBytes(path);
        for (long size : new long[] {whole.length - 1, whole.length - 52, layout.indexOffset(), 4096, 51, 0}) {
            Files.write(path, whole);
            truncate(path, size);
            CorruptionException e = assertThrows(CorruptionException.class,
                    () -> SstableReader.open(FileOps.DEFAULT, path), "cut to " + size);
            assertEquals(path, e.file());
            assertEquals(size < 52 ? 0 : size - 8, e.offset(), e.getMessage());
        }
    }

    @Test
    void aFinishedTableSurvivesAPowerLoss() {
        Path table = tmp.resolve("0000000000000001.sst");
        FaultyFileOps disk = new FaultyFileOps(Metadata.IMMEDIATE, 1);
        SstableTestData.write(disk, table, entries, SstableWriter.Options.DEFAULT);
        disk.crash(LostWrites.CUT);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, table)) {
            assertEquals(entries.size(), reader.summary().entries());
            assertEquals(entries.get(2_999), reader.get(entries.get(2_999).key(), Long.MAX_VALUE));
        }
    }

    @ParameterizedTest
    @EnumSource(LostWrites.class)
    void aTableCutShortOrGarbledByACrashIsNeverMistakenForATable(LostWrites lost) {
        Path table = tmp.resolve("0000000000000001.sst");
        FaultyFileOps disk = new FaultyFileOps(Metadata.IMMEDIATE, 1);
        disk.crashAt(Op.SYNC, FaultyFileOps.nameEndsWith(".sst"), 1, 0, lost);

        SstableWriter writer = SstableWriter.create(disk, table);
        for (InternalEntry e : entries) {
            writer.add(e);
        }
        assertThrows(StorageException.class, writer::finish);

        CorruptionException e = assertThrows(CorruptionException.class, () -> SstableReader.open(FileOps.DEFAULT, table));
        assertEquals(table, e.file());
    }

    @Test
    void aFailedFsyncFailsFinishAndAbandonRemovesTheFile() {
        Path table = tmp.resolve("0000000000000001.sst");
        FaultyFileOps disk = new FaultyFileOps(Metadata.IMMEDIATE, 1);
        disk.failSyncs(1, FaultyFileOps.nameEndsWith(".sst"));

        SstableWriter writer = SstableWriter.create(disk, table);
        for (InternalEntry e : entries.subList(0, 100)) {
            writer.add(e);
        }
        StorageException e = assertThrows(StorageException.class, writer::finish);
        assertTrue(e.getMessage().contains(table.toString()), e.getMessage());
        assertThrows(IllegalStateException.class, writer::finish, "a failed writer only abandons");
        writer.abandon();
        assertFalse(disk.exists(table));
    }
}
