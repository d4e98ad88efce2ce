package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.Entry;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.corecache.engine.FaultyFileOps.nameEndsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the fault-injection tests ({@code Bitcask*Test} over {@link FaultyFileOps}) share: opening engines
 * over a {@link FileOps} seam with small data files, abandoning and reopening them after a crash, values that
 * only one write could have produced, a trivially correct {@link Model} of what the store must hold, and
 * walking, listing and damaging the files in a store's directory.
 */
final class FaultScenarios {

    static final Predicate<Path> DATA = nameEndsWith(FileNames.DATA);
    static final Predicate<Path> MERGING_DATA = nameEndsWith(FileNames.DATA + FileNames.MERGING);
    static final Predicate<Path> MERGING_HINT = nameEndsWith(FileNames.HINT + FileNames.MERGING);
    static final Predicate<Path> HINT = nameEndsWith(FileNames.HINT);

    /** Opens {@code dir} over {@code fileOps} with the smallest data files, so a few MiB roll over, and no merges. */
    static BitcaskEngine open(Path dir, FileOps fileOps, Durability durability) {
        return BitcaskEngine.open(dir, BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(durability))
                .withMaxFileBytes(BitcaskOptions.MIN_FILE_BYTES)
                .withMergeCheckEvery(Duration.ZERO));
    }

    /** Opens the directory as a crash left it, on a fresh seam (so it can crash again). */
    static BitcaskEngine reopen(Path dir) {
        return open(dir, new FaultyFileOps(), Durability.SYNC);
    }

    /** Stops an engine whose files died in a crash; closing it cannot sync, and says so. */
    static void abandon(BitcaskEngine engine) {
        try {
            engine.close();
        } catch (StorageException expected) {
            // its files are gone with the power
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String key(int i) {
        return String.format("key-%05d", i);
    }

    /** Bytes that could only have come from this write: a wrong or damaged value cannot pass for it. */
    static byte[] value(String key, long revision, int size) {
        byte[] value = new byte[size];
        new Random(key.hashCode() * 1_000_003L + revision).nextBytes(value);
        return value;
    }

    static void assertValue(BitcaskEngine engine, String key, byte[] expected, String what) {
        Versioned found = engine.get(b(key));
        assertNotNull(found, what + " key " + key + " is missing");
        assertArrayEquals(expected, found.value(), what + " key " + key + " has another value");
    }

    /** One write of a generated sequence: revision i is the ith write; a null value deletes. */
    record Write(long revision, String key, byte[] value) {
        void applyTo(BitcaskEngine engine) {
            if (value == null) {
                engine.delete(b(key), revision);
            } else {
                engine.put(b(key), value, revision);
            }
        }
    }

    static List<Write> randomWrites(Random random, int count, int keys, int valueBytes) {
        List<Write> writes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String key = key(random.nextInt(keys));
            writes.add(new Write(i, key, random.nextInt(100) < 15 ? null : value(key, i, valueBytes)));
        }
        return writes;
    }

    /** What the store must hold: a trivially correct model of it, and the keys ever written (deleted ones too). */
    static final class Model {
        final TreeMap<String, byte[]> live = new TreeMap<>();
        final TreeSet<String> touched = new TreeSet<>();
        long revision;

        static Model after(List<Write> writes, long revision) {
            Model model = new Model();
            for (Write w : writes) {
                if (w.revision <= revision) {
                    if (w.value == null) {
                        model.remove(w.key);
                    } else {
                        model.set(w.key, w.value);
                    }
                    model.revision = w.revision;
                }
            }
            writes.forEach(w -> model.touched.add(w.key));
            return model;
        }

        void put(BitcaskEngine engine, String key, int valueBytes) {
            long rev = ++revision;
            byte[] value = value(key, rev, valueBytes);
            engine.put(b(key), value, rev);
            set(key, value);
        }

        void delete(BitcaskEngine engine, String key) {
            engine.delete(b(key), ++revision);
            remove(key);
        }

        void set(String key, byte[] value) {
            live.put(key, value);
            touched.add(key);
        }

        void remove(String key) {
            live.remove(key);
            touched.add(key);
        }

        Model copy() {
            Model copy = new Model();
            copy.live.putAll(live);
            copy.touched.addAll(touched);
            copy.revision = revision;
            return copy;
        }

        void assertHeldBy(BitcaskEngine engine) {
            assertHeldBy(engine, "");
        }

        /** Every key reads as the model says (deleted ones as absent) and a full scan is exactly the model. */
        void assertHeldBy(BitcaskEngine engine, String context) {
            String where = context.isEmpty() ? "" : " (" + context + ")";
            for (String key : touched) {
                Versioned found = engine.get(b(key));
                byte[] expected = live.get(key);
                if (expected == null) {
                    assertNull(found, "deleted or never acknowledged key " + key + " is back" + where);
                } else {
                    assertNotNull(found, "key " + key + " is missing" + where);
                    assertArrayEquals(expected, found.value(), "key " + key + " has another value" + where);
                }
            }
            List<String> scanned = new ArrayList<>();
            try (RangeCursor all = engine.scan(null, null, Integer.MAX_VALUE)) {
                while (all.hasNext()) {
                    Entry entry = all.next();
                    String key = new String(entry.key(), StandardCharsets.UTF_8);
                    scanned.add(key);
                    byte[] expected = live.get(key);
                    if (expected != null) {
                        assertArrayEquals(expected, entry.version().value(), "scan of " + key + where);
                    }
                }
            }
            if (!scanned.equals(new ArrayList<>(live.keySet()))) {
                TreeSet<String> extra = new TreeSet<>(scanned);
                extra.removeAll(live.keySet());
                TreeSet<String> missing = new TreeSet<>(live.keySet());
                scanned.forEach(missing::remove);
                fail("scan differs from the model" + where + ": extra " + first(extra) + ", missing " + first(missing));
            }
        }

        private static List<String> first(TreeSet<String> keys) {
            return keys.stream().limit(10).toList();
        }
    }

    /** A record found by walking a data file's headers (layout in {@link RecordFormat}). */
    record RecordAt(long offset, byte[] key, int valueLength) {
        long valueOffset() {
            return offset + RecordFormat.HEADER_BYTES + key.length;
        }

        int size() {
            return RecordFormat.size(key.length, valueLength);
        }
    }

    static List<RecordAt> records(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<RecordAt> records = new ArrayList<>();
        for (int at = 0; at + RecordFormat.HEADER_BYTES <= bytes.limit() && bytes.getLong(at) != 0; ) {
            int keyLength = Short.toUnsignedInt(bytes.getShort(at + RecordFormat.OFF_KEY_LEN));
            int valueLength = bytes.getInt(at + RecordFormat.OFF_VALUE_LEN);
            byte[] key = new byte[keyLength];
            bytes.get(at + RecordFormat.HEADER_BYTES, key);
            records.add(new RecordAt(at, key, valueLength));
            at += RecordFormat.size(keyLength, valueLength);
        }
        return records;
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
            channel.write(one, offset);
        }
    }

    /** Data files in id (replay) order. */
    static List<Path> dataFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> FileNames.parseData(p.getFileName().toString()).isPresent())
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path activeDataFile(Path dir) {
        List<Path> files = dataFiles(dir);
        return files.get(files.size() - 1);
    }

    static Path hintOf(Path dataFile) {
        String name = dataFile.getFileName().toString();
        return dataFile.resolveSibling(name.substring(0, name.length() - FileNames.DATA.length()) + FileNames.HINT);
    }

    static List<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private FaultScenarios() {
    }
}
