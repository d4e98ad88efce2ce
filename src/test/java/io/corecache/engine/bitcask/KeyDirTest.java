package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyDirTest {

    private static Location at(int offset) {
        return new Location(1, offset, 100, offset * 10L, offset % 3 == 0);
    }

    @Test
    void behavesLikeASortedMapThroughSplitsAndEmptiedPages() {
        KeyDir keyDir = new KeyDir();
        TreeMap<byte[], Location> model = new TreeMap<>(Bytes.ORDER);
        Random random = new Random(42);
        for (int i = 0; i < 50_000; i++) {
            byte[] key = ("key" + random.nextInt(5_000)).getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(3) == 0) {
                assertEquals(model.remove(key), keyDir.remove(key));
            } else {
                Location location = at(i);
                assertEquals(model.put(key, location), keyDir.put(key, location));
            }
        }
        assertEquals(model.size(), keyDir.size());
        for (Map.Entry<byte[], Location> e : model.entrySet()) {
            assertEquals(e.getValue(), keyDir.get(e.getKey()));
        }
        List<byte[]> scanned = new ArrayList<>();
        for (KeyDirPage page : keyDir.snapshot(null, null, Integer.MAX_VALUE)) {
            for (int i = 0; i < page.count(); i++) {
                scanned.add(page.key(i));
            }
        }
        assertEquals(model.size(), scanned.size());
        int i = 0;
        for (byte[] key : model.keySet()) {
            assertEquals(0, Bytes.compare(key, scanned.get(i++)));
        }
    }

    @Test
    void manyKeysGrowTheTreeSeveralLevelsAndStayOrdered() {
        KeyDir keyDir = new KeyDir();
        Random random = new Random(3);
        TreeMap<byte[], Location> model = new TreeMap<>(Bytes.ORDER);
        for (int i = 0; i < 300_000; i++) {
            byte[] key = new byte[1 + random.nextInt(12)];
            random.nextBytes(key);
            Location location = at(i);
            assertEquals(model.put(key, location), keyDir.put(key, location));
        }
        List<KeyDirPage> pages = keyDir.snapshot(null, null, Integer.MAX_VALUE);
        assertTrue(pages.size() > KeyDir.MAX_CHILDREN * 2, "enough leaves for inner nodes to split: " + pages.size());
        List<byte[]> scanned = new ArrayList<>();
        for (KeyDirPage page : pages) {
            for (int i = 0; i < page.count(); i++) {
                scanned.add(page.key(i));
            }
        }
        assertEquals(model.size(), scanned.size());
        int i = 0;
        for (Map.Entry<byte[], Location> e : model.entrySet()) {
            assertEquals(0, Bytes.compare(e.getKey(), scanned.get(i++)));
            assertEquals(e.getValue(), keyDir.get(e.getKey()));
        }
        byte[] from = model.keySet().stream().skip(150_000).findFirst().orElseThrow();
        List<KeyDirPage> tail = keyDir.snapshot(from, null, 10);
        assertTrue(tail.size() <= 3, "a limited snapshot takes only the pages it needs: " + tail.size());
        assertTrue(tail.get(0).find(from) >= 0, "the first page holds the start key");
    }

    @Test
    void relocateMovesOnlyTheExpectedRecord() {
        KeyDir keyDir = new KeyDir();
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        keyDir.put(key, at(1));
        assertFalse(keyDir.relocate(key, at(2), at(3)), "a key a writer moved meanwhile stays put");
        assertEquals(at(1), keyDir.get(key));
        assertTrue(keyDir.relocate(key, at(1), at(3)));
        assertEquals(at(3), keyDir.get(key));
        assertFalse(keyDir.relocate("absent".getBytes(StandardCharsets.UTF_8), at(1), at(2)));
    }

    @Test
    void longKeysSplitPagesToo() {
        KeyDir keyDir = new KeyDir();
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[4096];
            key[0] = (byte) i;
            keyDir.put(key, at(i));
        }
        assertEquals(200, keyDir.size());
        assertTrue(keyDir.snapshot(null, null, Integer.MAX_VALUE).size() > 100, "one 4 KiB key per page");
    }

    @Test
    void readersNeverMissAKeyWhileAWriterSplitsPages() throws Exception {
        KeyDir keyDir = new KeyDir();
        byte[] watched = "m-watched".getBytes(StandardCharsets.UTF_8);
        keyDir.put(watched, at(7));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                if (keyDir.get(watched) == null) {
                    failure.set("the watched key vanished during a split");
                    return;
                }
            }
        });
        reader.start();
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            byte[] key = ("m-" + random.nextInt(20_000)).getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(4) == 0) {
                if (!java.util.Arrays.equals(key, watched)) {
                    keyDir.remove(key);
                }
            } else {
                keyDir.put(key, at(i));
            }
        }
        done.set(true);
        reader.join();
        assertNull(failure.get(), failure.get());
    }
}
