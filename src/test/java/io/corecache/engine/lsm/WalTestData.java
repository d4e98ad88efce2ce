package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FileOps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random batches for the log tests, numbered as an engine would (increasing sequences and revisions). */
final class WalTestData {

    private final Random random;
    private long sequence;
    private long revision;

    WalTestData(long seed) {
        this.random = new Random(seed);
    }

    /** A batch of 0..maxEntries puts and deletes; binary keys, empty and (rarely) large values. */
    WalRecord nextBatch(int maxEntries) {
        revision++;
        int n = random.nextInt(maxEntries + 1);
        List<InternalEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(nextEntry());
        }
        return new WalRecord(revision, entries);
    }

    List<WalRecord> batches(int count, int maxEntries) {
        List<WalRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(nextBatch(maxEntries));
        }
        return out;
    }

    private InternalEntry nextEntry() {
        byte[] key = bytes(1 + random.nextInt(random.nextInt(20) == 0 ? 2_000 : 24));
        long seq = ++sequence;
        if (random.nextInt(5) == 0) {
            return InternalEntry.delete(key, seq, revision, 1_700_000_000_000L + seq);
        }
        int valueLength = switch (random.nextInt(20)) {
            case 0 -> 0;
            case 1 -> 20_000 + random.nextInt(50_000);
            default -> random.nextInt(300);
        };
        long expiresAt = random.nextInt(4) == 0 ? 1_800_000_000_000L + random.nextInt(1000) : 0;
        return InternalEntry.put(key, seq, bytes(valueLength), revision, 1_600_000_000_000L + seq,
                1_700_000_000_000L + seq, expiresAt);
    }

    byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    static EngineOptions options(FileOps fileOps, Durability durability) {
        return EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(durability);
    }

    /** Every record of the log, replayed with the real file system. */
    static List<WalRecord> replayAll(Path file) {
        List<WalRecord> out = new ArrayList<>();
        WalReader.replay(FileOps.DEFAULT, file, out::add);
        return out;
    }

    /** Writes the records to a new log (fsynced on close); returns the position after each one. */
    static long[] writeLog(Path file, FileOps fileOps, List<WalRecord> records) {
        long[] ends = new long[records.size()];
        try (WalWriter writer = WalWriter.create(file, options(fileOps, Durability.NONE))) {
            for (int i = 0; i < records.size(); i++) {
                ends[i] = writer.append(records.get(i));
            }
        }
        return ends;
    }
}
