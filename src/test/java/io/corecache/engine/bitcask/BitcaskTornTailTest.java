package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FileOps;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import io.corecache.engine.bitcask.FaultScenarios.RecordAt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static io.corecache.engine.bitcask.FaultScenarios.abandon;
import static io.corecache.engine.bitcask.FaultScenarios.activeDataFile;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.records;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Torn tails at the end of the active file, as a crash leaves them (cut short, zeros after the last record,
 * half a record then zeros, garbage after the last synced record, injected with {@link FaultyFileOps} or
 * written by hand): open cuts them silently at the last whole record, and the store stays writable.
 */
class BitcaskTornTailTest {

    @TempDir
    Path tmp;

    /** How the end of the active file can be torn by a crash. */
    enum Tear {
        RECORD_HALF_WRITTEN, HEADER_HALF_WRITTEN, ZEROS_AFTER_LAST_RECORD, LAST_RECORD_HALF_WRITTEN_THEN_ZEROS
    }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void aTornTailAtTheVeryEndOfTheActiveFileIsCutSilently(Tear tear) throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.SYNC)) {
            for (int i = 0; i < 200; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path active = activeDataFile(dir);
        List<RecordAt> records = records(active);
        RecordAt last = records.get(records.size() - 1);
        long end = Files.size(active);
        long half = last.offset() + last.size() / 2;
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            switch (tear) {
                case RECORD_HALF_WRITTEN -> channel.truncate(half);
                case HEADER_HALF_WRITTEN -> channel.truncate(last.offset() + 20);
                case ZEROS_AFTER_LAST_RECORD -> channel.write(ByteBuffer.allocate(4096), end);
                case LAST_RECORD_HALF_WRITTEN_THEN_ZEROS ->
                        channel.write(ByteBuffer.allocate((int) (end - half) + 4096), half);
            }
        }
        long goodEnd = tear == Tear.ZEROS_AFTER_LAST_RECORD ? end : last.offset();
        if (goodEnd == last.offset()) {
            model.remove(new String(last.key(), StandardCharsets.UTF_8));
            model.revision--;
        }

        try (BitcaskEngine engine = reopen(dir)) {
            model.assertHeldBy(engine);
            assertEquals(model.revision, engine.appliedRevision());
        }
        assertEquals(goodEnd, Files.size(active), "the torn tail is cut at the last whole record");
        try (BitcaskEngine engine = reopen(dir)) {
            model.put(engine, "after-the-cut", 100);
        }
        try (BitcaskEngine engine = reopen(dir)) {
            model.assertHeldBy(engine);
        }
    }

    // ------------------------------------------------------------------------------------------- regressions

    /**
     * A power loss that leaves random bytes after the last synced record (a torn write of sectors that held
     * something else) must reopen with that tail cut, like zeros or a short record do, not refuse to open.
     */
    @Test
    void garbageAfterTheLastSyncedRecordIsCutLikeATornWrite() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        Model model = new Model();
        for (int i = 0; i < 50; i++) {
            model.put(engine, key(i), 100);
        }
        engine.sync();
        Model synced = model.copy();
        for (int i = 50; i < 60; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.crash(LostWrites.GARBAGE);
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            synced.assertHeldBy(reopened);
        }
    }

    /**
     * Write-back got part of an unsynced group to the disk and the file's new size too; the rest reads as
     * zeros. The first damaged record is followed by nothing but zeros, so it is a torn write, not corruption.
     */
    @Test
    void aRecordCutShortByZerosIsATornTail() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        Model model = new Model();
        for (int i = 0; i < 50; i++) {
            model.put(engine, key(i), 100);
        }
        engine.sync();
        Model synced = model.copy();
        for (int i = 50; i < 60; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.crash(RecordFormat.size(key(50).length(), 100) / 2, LostWrites.ZEROS);
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            synced.assertHeldBy(reopened);
        }
    }
}
