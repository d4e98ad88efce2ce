package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The log record's bytes, as docs/formats.md describes them, and the log file names. */
class WalFormatTest {

    @TempDir
    Path tmp;

    @Test
    void aRecordIsLengthThenChecksumThenPayloadBigEndian() {
        InternalEntry put = InternalEntry.put(b("key"), 7, b("value"), 41, 1000, 2000, 3000);
        WalRecord record = WalRecord.of(42, put);
        ByteBuffer frame = encode(record);

        int payloadLength = 12 + 47 + 3 + 5;
        assertEquals(8 + payloadLength, frame.remaining());
        assertEquals(payloadLength, frame.getInt(0));
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 8, payloadLength);
        assertEquals((int) crc.getValue(), frame.getInt(4));
        assertEquals(42, frame.getLong(8), "record revision");
        assertEquals(1, frame.getInt(16), "entry count");
        assertEquals(7, frame.getLong(20), "sequence");
        assertEquals(EntryKind.PUT.code(), frame.get(28));
        assertEquals(3, frame.getShort(29), "key length");
        assertEquals(5, frame.getInt(31), "value length");
        assertEquals(41, frame.getLong(35), "entry revision");
        assertEquals(1000, frame.getLong(43), "create time");
        assertEquals(2000, frame.getLong(51), "write time");
        assertEquals(3000, frame.getLong(59), "expires at");
        assertEquals("keyvalue", new String(frame.array(), 67, 8, StandardCharsets.UTF_8));
        assertEquals(7, record.maxSequence());
    }

    @Test
    void aRecordWithNoEntriesHoldsOnlyItsRevision() throws Exception {
        ByteBuffer frame = encode(new WalRecord(99, List.of()));
        assertEquals(20, frame.remaining());
        assertEquals(0, new WalRecord(99, List.of()).maxSequence());
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalTestData.writeLog(file, FileOps.DEFAULT, List.of(new WalRecord(99, List.of())));
        assertEquals(20, Files.size(file));
        assertEquals(List.of(new WalRecord(99, List.of())), WalTestData.replayAll(file));
    }

    @Test
    void randomBatchesDecodeToWhatWasEncoded() throws Exception {
        WalTestData data = new WalTestData(1);
        for (WalRecord record : data.batches(300, 12)) {
            ByteBuffer frame = encode(record);
            assertEquals(WalFormat.frameSize(record), frame.remaining());
            WalRecord back = WalFormat.decode(frame, 8, frame.getInt(0), tmp, 0);
            assertEquals(record, back);
        }
    }

    @Test
    void keysOfAnyLengthTheFormatHoldsRoundTrip() throws Exception {
        byte[] longest = new byte[WalFormat.MAX_KEY_BYTES];
        longest[0] = (byte) 0xFF;
        WalRecord record = WalRecord.of(1, InternalEntry.put(longest, 1, new byte[0], 1, 0, 0, 0),
                InternalEntry.delete(new byte[]{0}, 2, 1, 5));
        ByteBuffer frame = encode(record);
        assertEquals(record, WalFormat.decode(frame, 8, frame.getInt(0), tmp, 0));
    }

    @Test
    void entriesTheFormatCannotHoldAreRefusedBeforeAnythingIsWritten() {
        assertThrows(IllegalArgumentException.class,
                () -> WalRecord.of(1, InternalEntry.put(new byte[0], 1, b("v"), 1, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> WalRecord.of(1, InternalEntry.put(new byte[WalFormat.MAX_KEY_BYTES + 1], 1, b("v"), 1, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> WalRecord.of(1, new InternalEntry(b("k"), 1, EntryKind.PUT, null, 1, 0, 0, 0)));
    }

    @Test
    void aRecordWhoseChecksumMatchesButWhichDoesNotParseIsCorruptionNotATornTail() throws Exception {
        WalRecord good = WalRecord.of(1, InternalEntry.put(b("a"), 1, b("x"), 1, 0, 0, 0));
        WalRecord bad = WalRecord.of(2, InternalEntry.put(b("b"), 2, b("y"), 2, 0, 0, 0));
        ByteBuffer first = encode(good);
        ByteBuffer second = encode(bad);
        second.put(8 + 12 + 8, (byte) 9); // an unknown kind, with the checksum made to match
        CRC32C crc = new CRC32C();
        crc.update(second.array(), 8, second.getInt(0));
        second.putInt(4, (int) crc.getValue());
        Path file = tmp.resolve(LsmFiles.wal(1));
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second);
        Files.write(file, both.array());

        CorruptionException e = assertThrows(CorruptionException.class, () -> WalTestData.replayAll(file));
        assertEquals(file, e.file());
        assertEquals(first.capacity(), e.offset());
    }

    @Test
    void logFileNamesAreTheNumberIn16HexDigits() throws Exception {
        assertEquals("000000000000001a.wal", LsmFiles.wal(26));
        assertEquals("ffffffffffffffff.wal", LsmFiles.wal(-1));
        assertEquals(OptionalLong.of(26), LsmFiles.parseWal("000000000000001a.wal"));
        assertEquals(OptionalLong.of(-1), LsmFiles.parseWal("ffffffffffffffff.wal"));
        for (String other : List.of("1a.wal", "000000000000001A.wal", "000000000000001a.sst",
                "000000000000001a.wal.tmp", "00000000000000xa.wal", "CURRENT")) {
            assertEquals(OptionalLong.empty(), LsmFiles.parseWal(other), other);
        }
        Path dir = Files.createDirectories(tmp.resolve("logs"));
        for (long n : new long[]{-1, 3, 0x10, 2}) {
            Files.createFile(dir.resolve(LsmFiles.wal(n)));
        }
        Files.createFile(dir.resolve("0000000000000001.sst"));
        assertArrayEquals(new long[]{2, 3, 0x10, -1}, LsmFiles.walNumbers(FileOps.DEFAULT, dir));
    }

    private static ByteBuffer encode(WalRecord record) {
        ByteBuffer out = ByteBuffer.allocate((int) WalFormat.frameSize(record));
        WalFormat.encode(record, out);
        return out.flip();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
