package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class KeyDirLoaderTest {

    /** Replays random puts and deletes through the loader and through a TreeMap; the results must agree. */
    @ParameterizedTest(name = "key shape {0}, {1} records per thread")
    @CsvSource({"random, 1000000", "shared-prefix, 1000000", "short, 1000000", "mixed-length, 1000000",
            "random, 7000", "shared-prefix, 7000", "short, 7000", "mixed-length, 7000"})
    void buildsWhatReplayingOneByOneWouldBuild(String shape, int recordsPerThread) {
        Random random = new Random(shape.hashCode());
        FileTable files = new FileTable();
        DataFile file = files.add(1, java.nio.file.Path.of("test"), null, 0);
        KeyDirLoader loader = new KeyDirLoader(recordsPerThread);
        TreeMap<byte[], Location> model = new TreeMap<>(Bytes.ORDER);
        long superseded = 0;
        for (int i = 0; i < 60_000; i++) {
            byte[] key = key(shape, random);
            if (random.nextInt(5) == 0) {
                loader.delete(key);
                Location gone = model.remove(key);
                superseded += gone == null ? 0 : gone.size();
            } else {
                Location location = new Location(file.handle, i, 50 + random.nextInt(50), i, random.nextBoolean());
                loader.put(key, location);
                Location gone = model.put(key, location);
                superseded += gone == null ? 0 : gone.size();
            }
        }
        KeyDir keyDir = new KeyDir();
        loader.buildInto(keyDir, files);
        assertEquals(model.size(), keyDir.size());
        for (Map.Entry<byte[], Location> e : model.entrySet()) {
            assertEquals(e.getValue(), keyDir.get(e.getKey()), Bytes.printable(e.getKey()));
        }
        assertEquals(superseded, file.deadBytes(), "every superseded record counts as dead");
        // The bulk-built directory takes ordinary updates afterwards.
        byte[] extra = "zzz-after-load".getBytes(StandardCharsets.UTF_8);
        keyDir.put(extra, new Location(1, 1, 1, 1, false));
        assertEquals(model.size() + 1, keyDir.size());
        keyDir.remove(extra);
        assertNull(keyDir.get(extra));
    }

    /** When the layout is split between threads, a first range holding only tombstones must not break it. */
    @Test
    void aFirstRangeOfOnlyDeletedKeysStillLoads() {
        FileTable files = new FileTable();
        DataFile file = files.add(1, java.nio.file.Path.of("test"), null, 0);
        KeyDirLoader loader = new KeyDirLoader(10);
        for (int i = 0; i < 20; i++) {
            loader.delete(String.format("a%03d", i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 20; i++) {
            loader.put(String.format("b%03d", i).getBytes(StandardCharsets.UTF_8), new Location(file.handle, i, 60, 1, false));
        }
        KeyDir keyDir = new KeyDir();
        loader.buildInto(keyDir, files);
        assertEquals(20, keyDir.size());
        assertEquals(new Location(file.handle, 3, 60, 1, false), keyDir.get("b003".getBytes(StandardCharsets.UTF_8)));
        byte[] first = "0-before-everything".getBytes(StandardCharsets.UTF_8);
        keyDir.put(first, new Location(1, 1, 1, 1, false));
        assertEquals(new Location(1, 1, 1, 1, false), keyDir.get(first));
    }

    @Test
    void emptyLoadLeavesAnEmptyDirectory() {
        KeyDir keyDir = new KeyDir();
        new KeyDirLoader().buildInto(keyDir, new FileTable());
        assertEquals(0, keyDir.size());
        assertNull(keyDir.get(new byte[] {1}));
    }

    private static byte[] key(String shape, Random random) {
        switch (shape) {
            case "random": {
                byte[] key = new byte[16];
                random.nextBytes(key);
                key[0] = (byte) random.nextInt(4); // collisions on the first bytes too
                key[15] = (byte) random.nextInt(2);
                for (int i = 1; i < 15; i++) {
                    key[i] = (byte) (random.nextInt(3000) >> 8); // a small key space: many repeats
                }
                return key;
            }
            case "shared-prefix":
                return ("user:profile:" + random.nextInt(20_000)).getBytes(StandardCharsets.UTF_8);
            case "short":
                return new byte[] {(byte) random.nextInt(256)};
            default: {
                byte[] key = new byte[1 + random.nextInt(12)];
                for (int i = 0; i < key.length; i++) {
                    key[i] = (byte) random.nextInt(3);
                }
                return key;
            }
        }
    }
}
