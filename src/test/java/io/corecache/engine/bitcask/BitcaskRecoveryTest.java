package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a crash leaves at the end of the active file, and how opening treats it. */
class BitcaskRecoveryTest {

    @TempDir
    Path dir;

    private final BitcaskOptions options = BitcaskOptions.defaults()
            .withEngine(EngineOptions.DEFAULT.withDurability(Durability.NONE))
            .withMergeCheckEvery(Duration.ZERO);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path activeFile() {
        return dir.resolve(FileNames.data(FileNames.id(1, 0)));
    }

    private void writeTwoKeys() {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            engine.put(b("a"), b("1"), 1);
            engine.put(b("b"), b("2"), 2);
        }
    }

    private static ByteBuffer record(int flags, String key, String value, long revision) {
        ByteBuffer buffer = ByteBuffer.allocate(RecordFormat.size(key.length(), value.length()));
        RecordFormat.encode(buffer, flags, b(key), b(value), revision, 5, 5, 0);
        return buffer.flip();
    }

    private void append(ByteBuffer bytes) throws Exception {
        Files.write(activeFile(), java.util.Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit()),
                StandardOpenOption.APPEND);
    }

    @Test
    void aHalfWrittenRecordAtTheTailIsCut() throws Exception {
        writeTwoKeys();
        long goodSize = Files.size(activeFile());
        ByteBuffer torn = record(0, "c", "a value that never fully reached the disk", 3);
        torn.limit(torn.limit() - 10);
        append(torn);
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertEquals("2", new String(engine.get(b("b")).value(), StandardCharsets.UTF_8));
            assertNull(engine.get(b("c")));
            assertEquals(2, engine.appliedRevision());
        }
        assertEquals(goodSize, Files.size(activeFile()), "torn tail truncated");
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            engine.put(b("c"), b("3"), 3);
        }
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertEquals("3", new String(engine.get(b("c")).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void zerosAfterTheLastRecordAreATornTail() throws Exception {
        writeTwoKeys();
        long goodSize = Files.size(activeFile());
        append(ByteBuffer.allocate(4096));
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertEquals(2, engine.stats().liveKeys());
        }
        assertEquals(goodSize, Files.size(activeFile()));
    }

    /** Found by the torture tool: files are extended ahead of appends, so a cut-short copy ends in zeros. */
    @Test
    void aRecordCutShortInsidePreExtendedSpaceIsATornTail() throws Exception {
        writeTwoKeys();
        long goodSize = Files.size(activeFile());
        ByteBuffer torn = record(0, "c", "a value whose second half never reached the page cache", 3);
        java.util.Arrays.fill(torn.array(), torn.limit() - 20, torn.limit(), (byte) 0);
        append(torn);
        append(ByteBuffer.allocate(1 << 16));
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertNull(engine.get(b("c")));
            assertEquals(2, engine.stats().liveKeys());
        }
        assertEquals(goodSize, Files.size(activeFile()));
    }

    @Test
    void aBatchWithoutItsLastRecordIsDroppedWhole() throws Exception {
        writeTwoKeys();
        long goodSize = Files.size(activeFile());
        append(record(RecordFormat.FLAG_BATCH_CONTINUES, "x", "1", 3));
        append(record(RecordFormat.FLAG_BATCH_CONTINUES | RecordFormat.FLAG_TOMBSTONE, "a", "", 3));
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertNull(engine.get(b("x")));
            assertEquals("1", new String(engine.get(b("a")).value(), StandardCharsets.UTF_8), "the batch's delete undone");
            assertEquals(2, engine.appliedRevision());
        }
        assertEquals(goodSize, Files.size(activeFile()));
    }

    @Test
    void aCompleteBatchAtTheTailIsKept() throws Exception {
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            engine.write(new WriteBatch(1).put(b("x"), b("1")).put(b("y"), b("2")).delete(b("z")));
        }
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            assertEquals(2, engine.stats().liveKeys());
        }
    }

    @Test
    void damageFollowedByGoodRecordsIsCorruptionNotATornTail() throws Exception {
        writeTwoKeys();
        // Flip a bit in the first record's value: records follow it, so this is no torn write.
        byte[] bytes = Files.readAllBytes(activeFile());
        bytes[RecordFormat.HEADER_BYTES + 1] ^= 0x01;
        Files.write(activeFile(), bytes);
        CorruptionException e = assertThrows(CorruptionException.class, () -> BitcaskEngine.open(dir, options));
        assertEquals(activeFile(), e.file());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains(activeFile().toString()), e.getMessage());
    }

    @Test
    void aDirectoryOfSomethingElseIsRefused() throws Exception {
        Files.writeString(dir.resolve(FileNames.data(FileNames.id(1, 0))), "not ours");
        assertThrows(io.corecache.engine.StorageException.class, () -> BitcaskEngine.open(dir, options));
    }
}
