package io.corecache.engine.lsm;

import io.corecache.engine.Entry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Merging sorted sources and reducing them to what a reader at a snapshot sees, against a simple model. */
class VisibleEntriesTest {

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mergesSourcesIntoKeyOrderNewestVersionFirst() {
        List<InternalEntry> memtable = List.of(put("b", 5, "b5"), put("d", 6, "d6"));
        List<InternalEntry> table = List.of(put("a", 1, "a1"), put("b", 2, "b2"), put("c", 3, "c3"));
        MergingIterator merged = new MergingIterator(List.of(memtable.iterator(), table.iterator(),
                List.<InternalEntry>of().iterator()));
        List<String> order = new ArrayList<>();
        merged.forEachRemaining(e -> order.add(new String(e.key(), StandardCharsets.UTF_8) + e.sequence()));
        assertEquals(List.of("a1", "b5", "b2", "c3", "d6"), order);
    }

    @Test
    void tombstonesHideOlderVersionsAndSnapshotsHideNewerOnes() {
        List<InternalEntry> versions = List.of(
                InternalEntry.delete(b("a"), 9, 9, 0), put("a", 4, "a4"),
                put("b", 8, "b8"), put("b", 3, "b3"),
                put("c", 7, "c7"));
        assertEquals(List.of("b=b8", "c=c7"), visible(versions, 10, null));
        assertEquals(List.of("a=a4", "b=b3"), visible(versions, 6, null));
        assertEquals(List.of("a=a4", "b=b3"), visible(versions, 4, null));
        assertEquals(List.of("a=a4"), visible(versions, 6, b("b")));
    }

    @Test
    void expiredVersionsAreNotSeenAndDoNotUncoverOlderOnes() {
        List<InternalEntry> versions = List.of(
                InternalEntry.put(b("a"), 2, b("new"), 2, 0, 0, 1_000), put("a", 1, "old"));
        assertEquals(List.of("a=new"), visible(versions, 5, null, 999));
        assertEquals(List.of(), visible(versions, 5, null, 1_000));
    }

    @Test
    void randomSourcesAgreeWithAModel() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int sourceCount = 1 + random.nextInt(4);
            List<List<InternalEntry>> sources = new ArrayList<>();
            for (int i = 0; i < sourceCount; i++) {
                sources.add(new ArrayList<>());
            }
            TreeMap<Long, InternalEntry> bySequence = new TreeMap<>();
            int writes = random.nextInt(60);
            for (long sequence = 1; sequence <= writes; sequence++) {
                String key = "k" + random.nextInt(12);
                InternalEntry entry = random.nextInt(4) == 0
                        ? InternalEntry.delete(b(key), sequence, sequence, 0)
                        : put(key, sequence, key + "@" + sequence);
                sources.get(random.nextInt(sourceCount)).add(entry);
                bySequence.put(sequence, entry);
            }
            sources.forEach(source -> source.sort(InternalEntry.ORDER));
            long snapshot = random.nextInt(writes + 1);
            TreeMap<String, String> model = new TreeMap<>();
            bySequence.headMap(snapshot, true).values().forEach(e -> {
                String key = new String(e.key(), StandardCharsets.UTF_8);
                if (e.isDelete()) {
                    model.remove(key);
                } else {
                    model.put(key, new String(e.value(), StandardCharsets.UTF_8));
                }
            });
            List<String> expected = new ArrayList<>();
            model.forEach((k, v) -> expected.add(k + "=" + v));
            List<Iterator<InternalEntry>> iterators = sources.stream().map(List::iterator).toList();
            List<String> seen = new ArrayList<>();
            new VisibleEntries(new MergingIterator(iterators), snapshot, null, 0)
                    .forEachRemaining(e -> seen.add(text(e)));
            assertEquals(expected, seen, "round " + round + ", snapshot " + snapshot);
        }
    }

    @Test
    void anEmptyMergeHasNothing() {
        assertFalse(new VisibleEntries(new MergingIterator(List.of()), 100, null, 0).hasNext());
    }

    private static InternalEntry put(String key, long sequence, String value) {
        return InternalEntry.put(b(key), sequence, b(value), sequence, 0, 0, 0);
    }

    private static List<String> visible(List<InternalEntry> versions, long snapshot, byte[] end) {
        return visible(versions, snapshot, end, 0);
    }

    private static List<String> visible(List<InternalEntry> versions, long snapshot, byte[] end, long now) {
        List<String> out = new ArrayList<>();
        new VisibleEntries(versions.iterator(), snapshot, end, now).forEachRemaining(e -> out.add(text(e)));
        return out;
    }

    private static String text(Entry e) {
        return new String(e.key(), StandardCharsets.UTF_8) + "=" + new String(e.version().value(), StandardCharsets.UTF_8);
    }
}
