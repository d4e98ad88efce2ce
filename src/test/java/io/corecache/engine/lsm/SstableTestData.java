package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Random table contents and the trivially correct answers a table must give about them. */
final class SstableTestData {

    private SstableTestData() {
    }

    /**
     * About {@code keys} distinct keys in {@link InternalEntry#ORDER}, 1..4 versions each with unique
     * sequences: binary keys, keys sharing long prefixes, a few 65535-byte keys, empty values, values larger
     * than a block, tombstones, and (if {@code withHugeValue}) one 1 MiB value.
     */
    static List<InternalEntry> randomEntries(long seed, int keys, boolean withHugeValue) {
        Random random = new Random(seed);
        TreeSet<byte[]> distinct = new TreeSet<>(Arrays::compareUnsigned);
        while (distinct.size() < keys) {
            distinct.add(randomKey(random));
        }
        distinct.add(filled(65535, (byte) 0x7F));
        distinct.add(filled(65535, (byte) 0xFF));
        List<Long> sequences = new ArrayList<>();
        for (long s = 1; s <= distinct.size() * 4L; s++) {
            sequences.add(s);
        }
        Collections.shuffle(sequences, random);
        int nextSequence = 0;
        List<InternalEntry> entries = new ArrayList<>();
        boolean hugeDone = !withHugeValue;
        for (byte[] key : distinct) {
            int versions = 1 + random.nextInt(4);
            for (int v = 0; v < versions; v++) {
                long sequence = sequences.get(nextSequence++);
                if (random.nextInt(7) == 0) {
                    entries.add(InternalEntry.delete(key, sequence, random.nextLong(), random.nextLong()));
                    continue;
                }
                byte[] value;
                int shape = random.nextInt(40);
                if (!hugeDone && entries.size() > keys / 2) {
                    value = randomBytes(random, 1 << 20);
                    hugeDone = true;
                } else if (shape == 0) {
                    value = new byte[0];
                } else if (shape == 1) {
                    value = randomBytes(random, 5000 + random.nextInt(20000));
                } else {
                    value = randomBytes(random, random.nextInt(100));
                }
                entries.add(InternalEntry.put(key, sequence, value, random.nextLong(), random.nextLong(),
                        random.nextLong(), random.nextInt(3) == 0 ? 0 : random.nextLong() & Long.MAX_VALUE));
            }
        }
        entries.sort(InternalEntry.ORDER);
        return entries;
    }

    private static byte[] randomKey(Random random) {
        switch (random.nextInt(3)) {
            case 0: {
                return randomBytes(random, 1 + random.nextInt(24));
            }
            case 1: {
                String text = "tenant/" + random.nextInt(4) + "/user/" + String.format("%08d", random.nextInt(1_000_000));
                return text.getBytes(StandardCharsets.UTF_8);
            }
            default: {
                int length = random.nextInt(50) == 0 ? 1000 + random.nextInt(3000) : 1 + random.nextInt(40);
                byte[] key = randomBytes(random, length);
                key[0] = (byte) (random.nextBoolean() ? 0x00 : 0xFF);
                return key;
            }
        }
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static byte[] filled(int length, byte b) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, b);
        return bytes;
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Index of the first entry at or after {@code (key, sequence)} in internal order; size() if none. */
    static int firstAtOrAfter(List<InternalEntry> sorted, byte[] key, long sequence) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            InternalEntry e = sorted.get(mid);
            if (InternalEntry.compare(e.key(), e.sequence(), key, sequence) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** What {@link SstableReader#get} must answer. */
    static InternalEntry expectedGet(List<InternalEntry> sorted, byte[] key, long maxSequence) {
        int i = firstAtOrAfter(sorted, key, maxSequence);
        return i < sorted.size() && Arrays.equals(sorted.get(i).key(), key) ? sorted.get(i) : null;
    }

    static TableSummary write(FileOps fileOps, Path path, List<InternalEntry> entries, SstableWriter.Options options) {
        SstableWriter writer = SstableWriter.create(fileOps, path, options);
        for (InternalEntry e : entries) {
            writer.add(e);
        }
        return writer.finish();
    }

    static TableSummary write(Path path, List<InternalEntry> entries) {
        return write(FileOps.DEFAULT, path, entries, SstableWriter.Options.DEFAULT);
    }

    /** Small entries only: a table of many ordinary blocks. */
    static List<InternalEntry> smallEntries(int count) {
        List<InternalEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = text(String.format("key-%06d", i));
            entries.add(i % 10 == 3
                    ? InternalEntry.delete(key, 1000L + i, i, 5)
                    : InternalEntry.put(key, 1000L + i, text("value-" + i), i, 1, 2, 0));
        }
        return entries;
    }
}
