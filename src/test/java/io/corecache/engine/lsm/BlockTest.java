package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.corecache.engine.lsm.SstableTestData.firstAtOrAfter;
import static io.corecache.engine.lsm.SstableTestData.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A block's entries come back as written, a seek lands on the first entry at or after its target from any
 * restart interval, prefix compression shrinks keys with common prefixes, and a block that does not parse
 * throws {@link CorruptionException} naming the file and the block's offset.
 */
class BlockTest {

    private static final Path FILE = Path.of("test.sst");

    private static Block build(BlockBuilder builder, List<InternalEntry> entries) {
        for (InternalEntry e : entries) {
            builder.add(e);
        }
        byte[] bytes = builder.finish();
        return Block.parse(FILE, 0, bytes, bytes.length);
    }

    private static List<InternalEntry> readAll(Block block) {
        List<InternalEntry> out = new ArrayList<>();
        Block.Cursor c = block.cursor();
        for (c.seekToFirst(); c.valid(); c.next()) {
            out.add(c.entry());
        }
        return out;
    }

    @Test
    void entriesComeBackInOrderAndSeekFindsEveryPosition() {
        List<InternalEntry> entries = SstableTestData.randomEntries(7, 300, false);
        Block block = build(new BlockBuilder(16), entries);

        assertEquals(entries, readAll(block));
        Block.Cursor c = block.cursor();
        for (int i = 0; i < entries.size(); i++) {
            InternalEntry e = entries.get(i);
            c.seek(e.key(), e.sequence());
            assertTrue(c.valid());
            assertEquals(e, c.entry());
            // Just below the entry's sequence: the next older version of the key, or the next key.
            int expected = firstAtOrAfter(entries, e.key(), e.sequence() - 1);
            c.seek(e.key(), e.sequence() - 1);
            if (expected == entries.size()) {
                assertFalse(c.valid());
            } else {
                assertEquals(entries.get(expected), c.entry());
            }
        }
        // The largest key is 65535 bytes of 0xFF; its only version is the last entry.
        c.seek(SstableTestData.filled(65535, (byte) 0xFF), -1);
        assertFalse(c.valid(), "seek past the last key");
        c.seek(new byte[] {0}, Long.MAX_VALUE);
        assertEquals(entries.get(0), c.entry());
    }

    @Test
    void everyRestartIntervalRoundTrips() {
        List<InternalEntry> entries = SstableTestData.smallEntries(100);
        for (int interval : new int[] {1, 2, 16, 1000}) {
            Block block = build(new BlockBuilder(interval), entries);
            assertEquals(entries, readAll(block), "interval " + interval);
            Block.Cursor c = block.cursor();
            c.seek(text("key-000050"), Long.MAX_VALUE);
            assertEquals(entries.get(50), c.entry());
        }
    }

    @Test
    void anEmptyBlockHasNoEntries() {
        byte[] bytes = new BlockBuilder(16).finish();
        Block block = Block.parse(FILE, 0, bytes, bytes.length);
        Block.Cursor c = block.cursor();
        c.seekToFirst();
        assertFalse(c.valid());
        c.seek(text("a"), 5);
        assertFalse(c.valid());
    }

    @Test
    void prefixCompressionShrinksSortedKeysWithCommonPrefixes() {
        List<InternalEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] key = text(String.format("customers/europe/region-%02d/customer-%08d", i / 100, i));
            entries.add(InternalEntry.put(key, i + 1, text("v"), 0, 0, 0, 0));
        }
        int compressed = build(new BlockBuilder(16), entries).charge();
        int whole = build(new BlockBuilder(1), entries).charge();

        // Each key is 52 + 8 bytes; after a restart only the last few characters and the sequence differ.
        assertTrue(compressed < whole * 6 / 10, compressed + " bytes compressed vs " + whole + " whole");
        assertEquals(entries, readAll(build(new BlockBuilder(16), entries)));
    }

    @Test
    void aRestartArrayPointingOutsideTheEntriesIsCorruption() {
        BlockBuilder builder = new BlockBuilder(2);
        for (InternalEntry e : SstableTestData.smallEntries(10)) {
            builder.add(e);
        }
        byte[] bytes = builder.finish();
        // Restart 1 (of 5) points past the entries.
        int restart1 = bytes.length - 4 - 5 * 4 + 4;
        ByteBuffer.wrap(bytes).putInt(restart1, bytes.length);

        CorruptionException e = assertThrows(CorruptionException.class,
                () -> Block.parse(FILE, 4096, bytes, bytes.length));
        assertEquals(FILE, e.file());
        assertEquals(4096, e.offset());
    }

    @Test
    void anEntryWhoseLengthsRunPastTheBlockIsCorruption() {
        BlockBuilder builder = new BlockBuilder(16);
        builder.add(InternalEntry.put(text("k"), 1, text("value"), 0, 0, 0, 0));
        byte[] bytes = builder.finish();
        bytes[2] = 0x7F; // the value length varint: far more than the block holds
        Block block = Block.parse(FILE, 8192, bytes, bytes.length);

        CorruptionException e = assertThrows(CorruptionException.class, () -> block.cursor().seekToFirst());
        assertEquals(8192, e.offset());
    }

    @Test
    void anUnknownKindCodeIsCorruption() {
        BlockBuilder builder = new BlockBuilder(16);
        builder.add(InternalEntry.put(text("k"), 1, text("value"), 0, 0, 0, 0));
        byte[] bytes = builder.finish();
        bytes[3 + 1 + 7] = 9; // the key's last byte: the kind code
        Block.Cursor c = Block.parse(FILE, 0, bytes, bytes.length).cursor();
        c.seekToFirst();

        CorruptionException e = assertThrows(CorruptionException.class, c::entry);
        assertTrue(e.reason().contains("kind"), e.getMessage());
    }
}
