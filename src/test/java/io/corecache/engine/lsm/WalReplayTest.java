package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay: random batches come back as written; after a power loss exactly a prefix comes back, holding every
 * record fsynced before it; a torn tail is cut and the log takes appends again; damage with intact records
 * after it is reported as corruption with the file and offset, never skipped.
 */
class WalReplayTest {

    @TempDir
    Path tmp;

    /** The real file systems a crash is simulated over: a mapped file leaves zeros past its end. */
    enum Disk {
        MAPPED(FileOps.MAPPED), CHANNELS(FileOps.CHANNELS);

        final FileOps ops;

        Disk(FileOps ops) {
            this.ops = ops;
        }
    }

    @ParameterizedTest
    @EnumSource(Disk.class)
    void randomBatchesReplayInOrderAsWritten(Disk disk) {
        Path file = tmp.resolve(LsmFiles.wal(7));
        List<WalRecord> records = new WalTestData(7).batches(500, 10);
        long[] ends = WalTestData.writeLog(file, disk.ops, records);

        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Replay replay = WalReader.replay(disk.ops, file, replayed::add);
        assertEquals(records, replayed);
        assertEquals(records.size(), replay.records());
        assertEquals(ends[ends.length - 1], replay.validLength(), "append returns the end of its record");
        assertEquals(replay.fileLength(), replay.validLength());
        assertFalse(replay.torn());
        assertFalse(replay.needsTruncation());
    }

    @Test
    void anEmptyLogReplaysNothing() {
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalTestData.writeLog(file, FileOps.DEFAULT, List.of());
        WalReader.Replay replay = WalReader.replay(FileOps.DEFAULT, file, r -> {
            throw new AssertionError("no record expected");
        });
        assertEquals(new WalReader.Replay(0, 0, -1, 0), replay);
    }

    @Test
    void aRecordLargerThanTheReadBufferReplays() {
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalTestData data = new WalTestData(3);
        List<WalRecord> records = List.of(data.nextBatch(3),
                WalRecord.of(9, InternalEntry.put(data.bytes(10), 1_000, data.bytes(3 << 20), 9, 1, 2, 0)),
                data.nextBatch(3));
        WalTestData.writeLog(file, FileOps.DEFAULT, records);
        assertEquals(records, WalTestData.replayAll(file));
    }

    /**
     * Power loss after random appends, some fsynced, losing unsynced bytes every way the disk can: replay
     * yields exactly a prefix of the records, at least up to the last one acknowledged after syncUpTo, and
     * once the tail is cut the log takes appends again.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aCrashLeavesAPrefixHoldingEverySyncedRecord(int seed) throws IOException {
        Random random = new Random(seed);
        Disk disk = Disk.values()[seed % 2];
        LostWrites lost = LostWrites.values()[seed % 3];
        long keepUnsynced = random.nextBoolean() ? 0 : random.nextInt(3_000);
        FaultyFileOps faulty = new FaultyFileOps(disk.ops, Metadata.ON_DIRECTORY_SYNC, seed);
        faulty.syncDirectory(tmp); // so the log's own creation must be made durable too
        Path file = tmp.resolve(LsmFiles.wal(seed));
        WalTestData data = new WalTestData(seed);
        List<WalRecord> written = new ArrayList<>();
        int acknowledged = 0;
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.NONE));
        for (int i = 0; i < 60; i++) {
            WalRecord record = data.nextBatch(6);
            long end = writer.append(record);
            written.add(record);
            if (random.nextInt(4) == 0) {
                writer.syncUpTo(end);
                acknowledged = written.size();
            }
        }
        faulty.crash(keepUnsynced, lost);
        try {
            writer.close();
        } catch (StorageException expected) {
            // the disk is gone: the final fsync fails unless everything was synced already
        }

        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Replay replay = WalReader.replay(FileOps.DEFAULT, file, replayed::add);
        assertTrue(replayed.size() >= acknowledged,
                "lost an acknowledged record: " + replayed.size() + " < " + acknowledged);
        assertEquals(written.subList(0, replayed.size()), replayed, "not a prefix of what was written");

        WalReader.truncate(FileOps.DEFAULT, file, replay.validLength());
        WalRecord after = data.nextBatch(4);
        try (WalWriter reopened = WalWriter.open(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC))) {
            assertEquals(replay.validLength(), reopened.position());
            reopened.syncUpTo(reopened.append(after));
        }
        List<WalRecord> expected = new ArrayList<>(replayed);
        expected.add(after);
        assertEquals(expected, WalTestData.replayAll(file));
    }

    /** How a crash can leave the end of the log. */
    enum Tear {
        HALF_A_RECORD, HALF_A_HEADER, ZEROS_AFTER_LAST_RECORD, HALF_A_RECORD_THEN_ZEROS, GARBAGE_AFTER_LAST_RECORD
    }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void aTornTailIsReportedCutAndTheLogTakesAppendsAfterReopen(Tear tear) throws IOException {
        Path file = tmp.resolve(LsmFiles.wal(1));
        List<WalRecord> records = new WalTestData(11).batches(30, 5);
        long[] ends = WalTestData.writeLog(file, FileOps.DEFAULT, records);
        long lastStart = ends[ends.length - 2];
        long end = ends[ends.length - 1];
        long half = (lastStart + end) / 2;
        byte[] garbage = new byte[5_000];
        new Random(5).nextBytes(garbage);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            switch (tear) {
                case HALF_A_RECORD -> channel.truncate(half);
                case HALF_A_HEADER -> channel.truncate(lastStart + 5);
                case ZEROS_AFTER_LAST_RECORD -> channel.write(ByteBuffer.allocate(70_000), end);
                case HALF_A_RECORD_THEN_ZEROS -> channel.write(ByteBuffer.allocate((int) (end - half) + 4096), half);
                case GARBAGE_AFTER_LAST_RECORD -> channel.write(ByteBuffer.wrap(garbage), end);
            }
        }
        boolean lastSurvives = tear == Tear.ZEROS_AFTER_LAST_RECORD || tear == Tear.GARBAGE_AFTER_LAST_RECORD;
        long goodEnd = lastSurvives ? end : lastStart;
        List<WalRecord> survivors = records.subList(0, lastSurvives ? records.size() : records.size() - 1);

        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Replay replay = WalReader.replay(FileOps.DEFAULT, file, replayed::add);
        assertEquals(survivors, replayed);
        assertEquals(goodEnd, replay.validLength());
        assertEquals(tear != Tear.ZEROS_AFTER_LAST_RECORD, replay.torn(), "zeros at a record boundary are the end");
        if (replay.torn()) {
            assertEquals(goodEnd, replay.tornOffset());
        }
        assertTrue(replay.needsTruncation());

        WalReader.truncate(FileOps.DEFAULT, file, replay.validLength());
        assertEquals(goodEnd, Files.size(file));
        WalRecord after = WalRecord.of(1_000, InternalEntry.put(WalFormatTest.b("after"), 10_000,
                WalFormatTest.b("the cut"), 1_000, 1, 1, 0));
        try (WalWriter writer = WalWriter.open(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC))) {
            writer.syncUpTo(writer.append(after));
        }
        List<WalRecord> expected = new ArrayList<>(survivors);
        expected.add(after);
        WalReader.Replay again = WalReader.replay(FileOps.DEFAULT, file, r -> { });
        assertEquals(expected, WalTestData.replayAll(file));
        assertFalse(again.needsTruncation());
    }

    /**
     * A power loss can leave megabytes of garbage after the last synced record (INTERVAL or NONE mode). Telling
     * that tail from corruption means looking for an intact record at every offset in it; a cheap check of
     * each candidate's header keeps that to a few large reads instead of one per plausible-looking offset.
     */
    @Test
    void megabytesOfGarbageAfterTheLastRecordAreATornTailFoundWithFewReads() throws IOException {
        Path file = tmp.resolve(LsmFiles.wal(1));
        List<WalRecord> records = new WalTestData(8).batches(20, 4);
        long[] ends = WalTestData.writeLog(file, FileOps.DEFAULT, records);
        byte[] garbage = new byte[8 << 20];
        new Random(8).nextBytes(garbage);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(garbage), ends[ends.length - 1]);
        }
        FaultyFileOps counting = new FaultyFileOps(FileOps.CHANNELS, Metadata.IMMEDIATE, 1);
        List<WalRecord> replayed = new ArrayList<>();
        WalReader.Replay replay = WalReader.replay(counting, file, replayed::add);

        assertEquals(records, replayed);
        assertEquals(ends[ends.length - 1], replay.tornOffset());
        long reads = counting.count(FaultyFileOps.Op.READ);
        assertTrue(reads < 100, reads + " reads to classify the tail");
    }

    /** Which byte of a record in the middle of the log gets a flipped bit. */
    enum Flip {
        LENGTH_HIGH_BIT(0), LENGTH_LOW_BIT(3), CHECKSUM(6), REVISION(12), COUNT(19), FIRST_ENTRY_KIND(28),
        KEY_OR_VALUE(70);

        final int at;

        Flip(int at) {
            this.at = at;
        }
    }

    @ParameterizedTest
    @EnumSource(Flip.class)
    void aFlippedBitInTheMiddleOfTheLogIsCorruptionNamingFileAndOffset(Flip flip) throws IOException {
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalTestData data = new WalTestData(21);
        List<WalRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(i == 20 ? WalRecord.of(500, InternalEntry.put(data.bytes(30), 5_000, data.bytes(100), 500,
                    1, 2, 0)) : data.nextBatch(4));
        }
        long[] ends = WalTestData.writeLog(file, FileOps.DEFAULT, records);
        long damaged = ends[19];
        flipBit(file, damaged + flip.at, flip == Flip.LENGTH_HIGH_BIT ? 7 : 0);

        List<WalRecord> replayed = new ArrayList<>();
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> WalReader.replay(FileOps.DEFAULT, file, replayed::add));
        assertEquals(file, e.file());
        assertEquals(damaged, e.offset());
        assertEquals(records.subList(0, 20), replayed, "the records before the damage were replayed, no more");
    }

    @Test
    void damageToTheLastRecordLooksLikeATornWriteAndIsCut() throws IOException {
        Path file = tmp.resolve(LsmFiles.wal(1));
        List<WalRecord> records = new WalTestData(4).batches(10, 4);
        records.set(9, WalRecord.of(77, InternalEntry.put(WalFormatTest.b("k"), 999, WalFormatTest.b("v"), 77,
                0, 0, 0)));
        long[] ends = WalTestData.writeLog(file, FileOps.DEFAULT, records);
        flipBit(file, ends[8] + 10, 3);

        WalReader.Replay replay = WalReader.replay(FileOps.DEFAULT, file, r -> { });
        assertEquals(new WalReader.Replay(9, ends[8], ends[8], ends[9]), replay);
    }

    @Test
    void aMissingLogIsAStorageException() {
        assertThrows(StorageException.class, () -> WalTestData.replayAll(tmp.resolve(LsmFiles.wal(404))));
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << bit)));
            one.rewind();
            channel.write(one, offset);
        }
    }
}
