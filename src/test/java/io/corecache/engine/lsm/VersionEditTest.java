package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Limits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import static io.corecache.engine.lsm.ManifestFixtures.flushed;
import static io.corecache.engine.lsm.ManifestFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionEditTest {

    private static final Path FILE = Path.of("MANIFEST-0000000000000001");
    /** Where the decoded payload pretends to start in FILE, so offsets in errors are checked too. */
    private static final long AT = 1_000;

    private static VersionEdit roundTrip(VersionEdit edit) {
        return VersionEdit.decode(ByteBuffer.wrap(edit.encode()), FILE, AT);
    }

    private static CorruptionException rejected(byte[] payload) {
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> VersionEdit.decode(ByteBuffer.wrap(payload), FILE, AT));
        assertEquals(FILE, e.file());
        return e;
    }

    @Test
    void anEmptyEditRoundTrips() {
        VersionEdit empty = VersionEdit.builder().build();
        assertEquals(0, empty.encode().length);
        assertEquals(empty, roundTrip(empty));
    }

    @Test
    void everyFieldRoundTripsIncludingExtremeValues() {
        byte[] big = new byte[Limits.HARD_MAX_KEY_BYTES];
        java.util.Arrays.fill(big, (byte) 0xFF);
        VersionEdit edit = VersionEdit.builder()
                .nextFileNumber(Long.MAX_VALUE)
                .lastSequence(0)
                .logNumber(1L << 40)
                .appliedRevision(-1) // not ours to interpret: stored as 64 bits
                .removeTable(6, Long.MAX_VALUE)
                .removeTable(0, 0)
                .addTable(new TableFile(3, 6, Long.MAX_VALUE, new byte[] {0}, big, 0, Long.MAX_VALUE, Long.MAX_VALUE))
                .addTable(flushed(4, "a", "a"))
                .build();
        assertEquals(edit, roundTrip(edit));
    }

    @Test
    void randomEditsRoundTrip() {
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            VersionEdit.Builder edit = VersionEdit.builder();
            if (random.nextBoolean()) {
                edit.nextFileNumber(random.nextLong());
            }
            if (random.nextBoolean()) {
                edit.lastSequence(random.nextLong() >>> random.nextInt(64));
            }
            if (random.nextBoolean()) {
                edit.logNumber(random.nextInt(1000));
            }
            if (random.nextBoolean()) {
                edit.appliedRevision(random.nextLong());
            }
            for (int r = random.nextInt(4); r > 0; r--) {
                edit.removeTable(random.nextInt(Version.LEVELS), random.nextLong() >>> 1);
            }
            for (int a = random.nextInt(4); a > 0; a--) {
                byte[] smallest = new byte[1 + random.nextInt(40)];
                random.nextBytes(smallest);
                byte[] largest = java.util.Arrays.copyOf(smallest, smallest.length + random.nextInt(3));
                long min = random.nextLong() >>> 2;
                edit.addTable(new TableFile(random.nextLong() >>> 1, random.nextInt(Version.LEVELS),
                        random.nextInt(1 << 30), smallest, largest, min, min + random.nextInt(1000), random.nextInt()
                        & Integer.MAX_VALUE));
            }
            VersionEdit built = edit.build();
            assertEquals(built, roundTrip(built), "edit " + i);
        }
    }

    @Test
    void smallNumbersTakeOneByte() {
        // tag + value: a counter below 128 costs two bytes; a flush's table with 1-byte keys about a dozen.
        assertEquals(2, VersionEdit.builder().logNumber(5).build().encode().length);
        assertTrue(VersionEdit.builder().addTable(table(1, 0, "a", "b", 1, 100)).build().encode().length <= 16);
    }

    @Test
    void everyTruncationIsRejectedOrDecodesToSomethingElse() {
        VersionEdit edit = VersionEdit.builder().nextFileNumber(300).lastSequence(70_000).logNumber(9)
                .appliedRevision(12).removeTable(2, 77).addTable(table(1_234, 1, "apple", "banana", 5, 900)).build();
        byte[] whole = edit.encode();
        for (int length = 0; length < whole.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(whole, length);
            try {
                assertNotEquals(edit, VersionEdit.decode(ByteBuffer.wrap(prefix), FILE, AT), "prefix " + length);
            } catch (CorruptionException e) {
                assertTrue(e.offset() >= AT && e.offset() < AT + length, "offset " + e.offset() + " within the prefix");
            }
        }
    }

    @Test
    void anUnknownTagIsCorruptionAtItsOffset() {
        byte[] known = VersionEdit.builder().logNumber(3).build().encode();
        byte[] payload = java.util.Arrays.copyOf(known, known.length + 2);
        payload[known.length] = 7; // no such tag
        payload[known.length + 1] = 1;
        CorruptionException e = rejected(payload);
        assertEquals(AT + known.length, e.offset());
        assertTrue(e.reason().contains("unknown field tag 7"), e.reason());
    }

    @Test
    void aCounterGivenTwiceIsCorruption() {
        byte[] once = VersionEdit.builder().lastSequence(3).build().encode();
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        twice.writeBytes(once);
        twice.writeBytes(once);
        CorruptionException e = rejected(twice.toByteArray());
        assertEquals(AT + once.length, e.offset());
        assertTrue(e.reason().contains("twice"), e.reason());
    }

    @Test
    void aVarintLongerThanSixtyFourBitsIsCorruption() {
        byte[] payload = new byte[12];
        payload[0] = VersionEdit.TAG_LOG_NUMBER;
        java.util.Arrays.fill(payload, 1, 11, (byte) 0xFF); // ten continuation bytes
        assertTrue(rejected(payload).reason().contains("64 bits"));
        byte[] tenth = {VersionEdit.TAG_LOG_NUMBER, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2}; // 65th bit set
        assertTrue(rejected(tenth).reason().contains("64 bits"));
    }

    @Test
    void impossibleTablesAreCorruption() {
        byte[] good = VersionEdit.builder().addTable(table(5, 1, "b", "d", 1, 2)).build().encode();
        // tag 6 | level | number | size | entries | minSeq | maxSeq | len 1 'b' | len 1 'd'
        assertEquals(VersionEdit.TAG_ADDED_TABLE, good[0]);

        byte[] level7 = good.clone();
        level7[1] = 7;
        assertTrue(rejected(level7).reason().contains("level 7"));

        byte[] swapped = good.clone();
        int smallestAt = good.length - 3;
        swapped[smallestAt] = 'z';
        assertTrue(rejected(swapped).reason().contains("impossible table"));

        byte[] emptyKey = good.clone();
        emptyKey[smallestAt - 1] = 0;
        assertTrue(rejected(emptyKey).reason().contains("smallest key length 0"));

        byte[] longKey = good.clone();
        longKey[good.length - 2] = 5; // largest key claims 5 bytes, 1 left
        assertTrue(rejected(longKey).reason().contains("runs past the end"));
    }
}
