package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.Entry;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import io.corecache.engine.bitcask.FaultScenarios.RecordAt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.corecache.engine.bitcask.FaultScenarios.activeDataFile;
import static io.corecache.engine.bitcask.FaultScenarios.assertValue;
import static io.corecache.engine.bitcask.FaultScenarios.b;
import static io.corecache.engine.bitcask.FaultScenarios.dataFiles;
import static io.corecache.engine.bitcask.FaultScenarios.flipBit;
import static io.corecache.engine.bitcask.FaultScenarios.hintOf;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.records;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Flipped bits on disk: in a value of an immutable file (only that record's reads fail), in any field of a
 * record in the middle of the active file (open fails rather than cutting acknowledged records off), and in
 * a hint file (open falls back to the data file). Damage is reported as {@link CorruptionException} naming
 * the file and offset, and a damaged value is never returned.
 */
class BitcaskBitFlipTest {

    @TempDir
    Path tmp;

    @Test
    void aFlippedBitInAnImmutableFileFailsOnlyThatRecordsReads() throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            for (int i = 0; i < 3_000; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        List<Path> dataFiles = dataFiles(dir);
        assertTrue(dataFiles.size() >= 3, "files should roll over: " + dataFiles);
        Path immutable = dataFiles.get(0);
        assertTrue(Files.exists(hintOf(immutable)), "sealed files get a hint file, so open does not read values");
        RecordAt victim = records(immutable).get(10);
        flipBit(immutable, victim.valueOffset() + victim.valueLength() / 2, 3);

        try (BitcaskEngine engine = reopen(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> engine.get(victim.key()));
            assertEquals(immutable, e.file());
            assertEquals(victim.offset(), e.offset());
            assertTrue(e.getMessage().contains(immutable.toString())
                    && e.getMessage().contains("offset " + victim.offset()), e.getMessage());
            for (Map.Entry<String, byte[]> entry : model.live.entrySet()) {
                if (!Arrays.equals(b(entry.getKey()), victim.key())) {
                    assertValue(engine, entry.getKey(), entry.getValue(), "an undamaged record");
                }
            }
            try (RangeCursor all = engine.scan(null, null, Integer.MAX_VALUE)) {
                CorruptionException inScan = assertThrows(CorruptionException.class, () -> {
                    while (all.hasNext()) {
                        Entry entry = all.next();
                        assertFalse(Arrays.equals(entry.key(), victim.key()), "the damaged value must not be returned");
                    }
                });
                assertEquals(immutable, inScan.file());
                assertEquals(victim.offset(), inScan.offset());
            }
            byte[] justAfter = Arrays.copyOf(victim.key(), victim.key().length + 1); // the smallest key after it
            try (RangeCursor after = engine.scan(justAfter, null, Integer.MAX_VALUE)) {
                int n = 0;
                while (after.hasNext()) {
                    after.next();
                    n++;
                }
                assertEquals(model.live.tailMap(new String(victim.key(), StandardCharsets.UTF_8), false).size(), n,
                        "a scan that does not reach the damaged record works");
            }
        }
    }

    /** Where in a record of the active file a bit is flipped. */
    enum Field {
        CHECKSUM(0, 5),
        FLAGS(RecordFormat.OFF_FLAGS, 0),
        KEY_LENGTH_HIGH_BIT(RecordFormat.OFF_KEY_LEN, 7),
        VALUE_LENGTH_LOW_BIT(RecordFormat.OFF_VALUE_LEN + 3, 0),
        VALUE_LENGTH_HIGH_BIT(RecordFormat.OFF_VALUE_LEN, 6),
        REVISION(RecordFormat.OFF_REVISION + 7, 1),
        KEY(RecordFormat.HEADER_BYTES, 0),
        VALUE(RecordFormat.HEADER_BYTES + 20, 4);

        final int offset;
        final int bit;

        Field(int offset, int bit) {
            this.offset = offset;
            this.bit = bit;
        }
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void aFlippedBitInTheMiddleOfTheActiveFileFailsOpenNamingFileAndOffset(Field field) throws Exception {
        Path dir = tmp.resolve("db");
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            Model model = new Model();
            for (int i = 0; i < 200; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path active = activeDataFile(dir);
        RecordAt victim = records(active).get(100);
        flipBit(active, victim.offset() + field.offset, field.bit);
        byte[] damaged = Files.readAllBytes(active);

        CorruptionException e = assertThrows(CorruptionException.class, () -> reopen(dir).close(),
                "100 good records follow the damaged one: this is no torn write");
        assertEquals(active, e.file());
        assertEquals(victim.offset(), e.offset());
        assertTrue(e.getMessage().contains(active.toString()) && e.getMessage().contains("offset " + victim.offset()),
                e.getMessage());
        assertUnchanged(damaged, active, "a failed open must not cut acknowledged records off");
    }

    /** Where in a hint file a bit is flipped. */
    enum HintDamage {
        MAGIC(0), FIRST_KEY(HintFile.MAGIC.length + HintFile.ENTRY_FIXED_BYTES), MIDDLE(-2), TRAILER_COUNT(-1);

        final int offset;

        HintDamage(int offset) {
            this.offset = offset;
        }

        long in(long size) {
            return switch (offset) {
                case -1 -> size - HintFile.TRAILER_BYTES;
                case -2 -> size / 2;
                default -> offset;
            };
        }
    }

    @ParameterizedTest
    @EnumSource(HintDamage.class)
    void aFlippedBitInAHintFileFallsBackToTheDataFile(HintDamage damage) throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            for (int i = 0; i < 3_000; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path hint = hintOf(dataFiles(dir).get(0));
        assertTrue(Files.exists(hint));
        flipBit(hint, damage.in(Files.size(hint)), 0);

        FaultyFileOps counting = new FaultyFileOps();
        try (BitcaskEngine engine = open(dir, counting, Durability.NONE)) {
            model.assertHeldBy(engine);
            assertEquals(model.revision, engine.appliedRevision());
        }
        assertTrue(counting.count(Op.READ, path -> path.equals(dataFiles(dir).get(0))) > 0,
                "the data file was read instead of its damaged hint");
    }

    // ------------------------------------------------------------------------------------------- regressions

    /**
     * The length fields of a record are not covered by anything checked before they are trusted: a bit
     * flipped high in the value length of a record in the middle of the active file makes it "run past the
     * end of the file", which the scanner takes for a torn write, and open silently truncates every
     * acknowledged record after it.
     */
    @Test
    void aFlippedLengthBitInTheMiddleOfTheActiveFileIsCorruptionNotATornTail() throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.SYNC)) {
            for (int i = 0; i < 50; i++) {
                model.put(engine, key(i), 100);
            }
        }
        Path active = activeDataFile(dir);
        RecordAt victim = records(active).get(10);
        flipBit(active, victim.offset() + RecordFormat.OFF_VALUE_LEN, 7);
        byte[] damaged = Files.readAllBytes(active);

        StorageException e = assertThrows(StorageException.class, () -> reopen(dir).close(),
                "40 acknowledged records follow the damaged one");
        assertTrue(e instanceof CorruptionException, e.toString());
        assertUnchanged(damaged, active, "nothing was cut");
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** The file still starts with {@code before}, and anything after is zeros (space allocated ahead). */
    private static void assertUnchanged(byte[] before, Path file, String message) throws IOException {
        byte[] now = Files.readAllBytes(file);
        assertTrue(now.length >= before.length, message + ": " + file + " shrank to " + now.length);
        assertArrayEquals(before, Arrays.copyOf(now, before.length), message);
        for (int i = before.length; i < now.length; i++) {
            if (now[i] != 0) {
                fail(message + ": byte " + i + " of " + file + " changed");
            }
        }
    }
}
