package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which tables the picker chooses; tables here are metadata only (the picker never opens a file). */
class CompactionPickerTest {

    /** Level 1 target 1000 bytes, x10 per level, L0 trigger 4. */
    private static final CompactionPolicy SMALL = new CompactionPolicy(4, 1000, 10, 100);
    private final CompactionPicker picker = new CompactionPicker(SMALL);

    @Test
    void policyTargetsGrowByTheMultiplierAndRejectNonsense() {
        CompactionPolicy p = CompactionPolicy.DEFAULT;
        assertEquals(64L << 20, p.targetBytes(1));
        assertEquals(640L << 20, p.targetBytes(2));
        assertEquals((64L << 20) * 100_000, p.targetBytes(6));
        assertEquals(Long.MAX_VALUE, p.withLevelMultiplier(1 << 20).targetBytes(6), "saturates, never overflows");
        assertEquals(7, p.withLevel0CompactionTrigger(7).level0CompactionTrigger());
        assertEquals(8L << 20, p.targetTableBytes());
        assertThrows(IllegalArgumentException.class, () -> p.withLevel0CompactionTrigger(0));
        assertThrows(IllegalArgumentException.class, () -> p.withLevelMultiplier(1));
        assertThrows(IllegalArgumentException.class, () -> p.withTargetTableBytes(0));
        assertThrows(IllegalArgumentException.class, () -> p.targetBytes(0));
    }

    @Test
    void nothingToDoBelowTheTriggerAndTheTargets() {
        assertEquals(Optional.empty(), picker.pick(Version.EMPTY, pointers()));
        Version v = Version.EMPTY.apply(add(l0(1, "a", "z", 1), l0(2, "a", "z", 2), l0(3, "a", "z", 3),
                table(4, 1, "a", "m", 1000), table(5, 2, "a", "m", 10_000)));
        assertEquals(Optional.empty(), picker.pick(v, pointers()), "3 < 4 tables at L0, levels exactly at target");
    }

    @Test
    void levelZeroAtTheTriggerTakesTheOldestTableAndEveryTableOverlappingTransitively() {
        // Oldest first: 1 [c,d] meets 2 [d,f], which meets 3 [f,g]; 4 [x,z] meets none of them.
        Version v = Version.EMPTY.apply(add(l0(1, "c", "d", 1), l0(2, "d", "f", 2), l0(3, "a", "b", 3),
                l0(4, "x", "z", 4), l0(5, "f", "g", 5),
                table(10, 1, "a", "a", 10), table(11, 1, "b", "c", 10), table(12, 1, "ga", "h", 10),
                table(13, 1, "i", "w", 10), table(20, 1, "y", "y", 10)));
        Compaction c = picker.pick(v, pointers()).orElseThrow();
        assertEquals(0, c.level());
        assertEquals(1, c.outputLevel());
        assertEquals(List.of(5L, 2L, 1L), numbers(c.inputs()), "newest first, 3 and 4 do not meet [c,g]");
        assertEquals(List.of(11L), numbers(c.outputLevelInputs()), "[b,c] touches c; [ga,h] is past g");
        assertEquals("b", str(c.smallest()));
        assertEquals("g", str(c.largest()));
    }

    @Test
    void aLevelFurtherOverItsTargetThanLevelZeroIsOverItsTriggerGoesFirst() {
        // Level 0 at its trigger scores 1; level 1 at a million bytes is far over its target: without its
        // turn it would only grow, and every level-0 compaction would rewrite all of it.
        Version v = Version.EMPTY.apply(add(l0(1, "a", "b", 1), l0(2, "a", "b", 2), l0(3, "a", "b", 3),
                l0(4, "a", "b", 4), table(10, 1, "m", "n", 1_000_000)));
        assertEquals(1, picker.pick(v, pointers()).orElseThrow().level());
    }

    @Test
    void levelZeroGoesFirstWhenItScoresHigherOrTies() {
        Version over = Version.EMPTY.apply(add(l0(1, "a", "b", 1), l0(2, "a", "b", 2), l0(3, "a", "b", 3),
                l0(4, "a", "b", 4), l0(5, "a", "b", 5), l0(6, "a", "b", 6), l0(7, "a", "b", 7), l0(8, "a", "b", 8),
                table(10, 1, "m", "n", SMALL.targetBytes(1) * 3 / 2)));
        assertEquals(0, picker.pick(over, pointers()).orElseThrow().level(), "2 against 1.5");
        Version tie = Version.EMPTY.apply(add(l0(1, "a", "b", 1), l0(2, "a", "b", 2), l0(3, "a", "b", 3),
                l0(4, "a", "b", 4), l0(5, "a", "b", 5), l0(6, "a", "b", 6), l0(7, "a", "b", 7), l0(8, "a", "b", 8),
                table(10, 1, "m", "n", SMALL.targetBytes(1) * 2)));
        assertEquals(0, picker.pick(tie, pointers()).orElseThrow().level(), "2 against 2");
    }

    @Test
    void theLevelWithTheHighestScoreAboveOneIsCompacted() {
        Version v = Version.EMPTY.apply(add(table(1, 1, "a", "b", 1500), // score 1.5
                table(2, 2, "a", "b", 30_000), // score 3
                table(3, 3, "a", "b", 50_000), // score 0.5
                table(4, 6, "a", "b", Long.MAX_VALUE / 2))); // huge, but the last level has nowhere to go
        Compaction c = picker.pick(v, pointers()).orElseThrow();
        assertEquals(2, c.level());
        assertEquals(List.of(2L), numbers(c.inputs()));
        assertEquals(List.of(3L), numbers(c.outputLevelInputs()));
        assertEquals(3, picker.score(v, 2), 1e-9);

        Version onlyLast = Version.EMPTY.apply(add(table(4, 6, "a", "b", Long.MAX_VALUE / 2)));
        assertEquals(Optional.empty(), picker.pick(onlyLast, pointers()));
    }

    @Test
    void oneTableAtATimeRoundRobinThroughTheKeySpaceByTheCompactPointer() {
        Version v = Version.EMPTY.apply(add(table(1, 1, "a", "b", 600), table(2, 1, "c", "d", 600),
                table(3, 1, "e", "f", 600)));
        byte[][] pointers = pointers();
        List<Long> chosen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Compaction c = picker.pick(v, pointers).orElseThrow();
            assertEquals(1, c.inputs().size());
            chosen.add(c.inputs().get(0).number());
            pointers[1] = c.nextCompactPointer();
        }
        assertEquals(List.of(1L, 2L, 3L, 1L, 2L), chosen, "wraps after the last table");
        pointers[1] = key("bb"); // a pointer between tables: the next table past it
        assertEquals(List.of(2L), numbers(picker.pick(v, pointers).orElseThrow().inputs()));
        pointers[1] = key("zz");
        assertEquals(List.of(1L), numbers(picker.pick(v, pointers).orElseThrow().inputs()));
    }

    @Test
    void theNextLevelTablesMeetingTheRangeJoinIncludingThoseSharingABoundaryKey() {
        Version v = Version.EMPTY.apply(add(table(1, 1, "c", "f", 5000),
                table(10, 2, "a", "c", 1), table(11, 2, "d", "e", 1), table(12, 2, "f", "g", 1),
                table(13, 2, "h", "i", 1), table(14, 2, "b", "b", 0).atLevel(3)));
        Compaction c = picker.pick(v, pointers()).orElseThrow();
        assertEquals(1, c.level());
        assertEquals(List.of(10L, 11L, 12L), numbers(c.outputLevelInputs()),
                "a user key at the edge (c, f) lives in one table only, and that table joins");
        assertEquals("a", str(c.smallest()));
        assertEquals("g", str(c.largest()));
        assertEquals(5003, c.inputBytes());
        assertEquals("f", str(c.nextCompactPointer()), "the pointer is the level's own largest key");
    }

    @Test
    void compactPointersMustCoverEveryLevel() {
        assertThrows(IllegalArgumentException.class, () -> picker.pick(Version.EMPTY, new byte[3][]));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static byte[][] pointers() {
        return new byte[Version.LEVELS][];
    }

    static VersionEdit add(TableFile... tables) {
        VersionEdit.Builder edit = VersionEdit.builder();
        for (TableFile table : tables) {
            edit.addTable(table);
        }
        return edit.build();
    }

    static TableFile l0(long number, String smallest, String largest, long sequence) {
        return new TableFile(number, 0, 100, key(smallest), key(largest), sequence, sequence, 1);
    }

    static TableFile table(long number, int level, String smallest, String largest, long bytes) {
        return new TableFile(number, level, bytes, key(smallest), key(largest), 1, 1, 1);
    }

    static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    static List<Long> numbers(List<TableFile> tables) {
        return tables.stream().map(TableFile::number).toList();
    }
}
