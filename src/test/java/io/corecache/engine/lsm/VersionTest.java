package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.corecache.engine.lsm.ManifestFixtures.adding;
import static io.corecache.engine.lsm.ManifestFixtures.flushed;
import static io.corecache.engine.lsm.ManifestFixtures.key;
import static io.corecache.engine.lsm.ManifestFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionTest {

    private static List<Long> numbers(List<TableFile> tables) {
        return tables.stream().map(TableFile::number).toList();
    }

    /** Level 1: [b, d], [f, h], [k, m]. */
    private static Version threeTablesAtLevel1() {
        return Version.EMPTY.apply(adding(table(2, 1, "f", "h", 1, 1), table(1, 1, "b", "d", 1, 1),
                table(3, 1, "k", "m", 1, 1)));
    }

    @Test
    void levelZeroIsNewestFirstByMaxSequenceThenNumber() {
        Version v = Version.EMPTY.apply(adding(table(1, 0, "a", "z", 1, 5), table(2, 0, "a", "z", 6, 9),
                table(3, 0, "a", "z", 2, 7)));
        v = v.apply(adding(table(4, 0, "a", "z", 7, 7))); // same max sequence as 3: the higher number is newer
        assertEquals(List.of(2L, 4L, 3L, 1L), numbers(v.files(0)));
    }

    @Test
    void atLevelZeroEveryTableHoldingTheKeyIsReturnedNewestFirst() {
        Version v = Version.EMPTY.apply(adding(flushed(1, "a", "m"), flushed(2, "k", "z"), flushed(3, "c", "d"),
                flushed(4, "l", "l")));
        assertEquals(List.of(4L, 2L, 1L), numbers(v.tablesForKey(0, key("l"))));
        assertEquals(List.of(3L, 1L), numbers(v.tablesForKey(0, key("c"))));
        assertEquals(List.of(2L), numbers(v.tablesForKey(0, key("z"))));
        assertEquals(List.of(), v.tablesForKey(0, key("zz")));
    }

    @Test
    void aboveLevelZeroAKeyFindsAtMostTheOneTableWhoseRangeHoldsIt() {
        Version v = threeTablesAtLevel1();
        assertEquals(List.of(1L, 2L, 3L), numbers(v.files(1)), "sorted by smallest key");
        assertEquals(List.of(), v.tablesForKey(1, key("a")));
        assertEquals(List.of(1L), v.tablesForKey(1, key("b")).stream().map(TableFile::number).toList());
        assertEquals(List.of(1L), numbers(v.tablesForKey(1, key("d"))));
        assertEquals(List.of(), v.tablesForKey(1, key("e")));
        assertEquals(List.of(2L), numbers(v.tablesForKey(1, key("g"))));
        assertEquals(List.of(3L), numbers(v.tablesForKey(1, key("m"))));
        assertEquals(List.of(), v.tablesForKey(1, key("n")));
        assertEquals(List.of(), v.tablesForKey(2, key("g")));
    }

    @Test
    void tablesForKeyAgreesWithAScanOfEveryTable() {
        Random random = new Random(3);
        List<TableFile> tables = new ArrayList<>();
        int at = 0;
        for (int n = 1; n <= 200; n++) { // disjoint ranges with gaps between some of them
            at += 1 + random.nextInt(3);
            int end = at + random.nextInt(4);
            tables.add(new TableFile(n, 3, 100, new byte[] {(byte) (at >> 8), (byte) at},
                    new byte[] {(byte) (end >> 8), (byte) end}, 1, 1, 1));
            at = end;
        }
        java.util.Collections.shuffle(tables, random);
        Version v = Version.EMPTY.apply(adding(tables.toArray(TableFile[]::new)));
        for (int k = 0; k <= at + 2; k++) {
            byte[] probe = {(byte) (k >> 8), (byte) k};
            List<Long> expected = tables.stream().filter(t -> t.contains(probe)).map(TableFile::number).toList();
            assertEquals(expected, numbers(v.tablesForKey(3, probe)), "key " + k);
        }
    }

    @Test
    void overlappingFindsTablesMeetingARangeWithOptionalBounds() {
        Version v = threeTablesAtLevel1().apply(adding(flushed(10, "a", "c"), flushed(11, "g", "j")));
        assertEquals(List.of(1L, 2L), numbers(v.overlapping(1, key("c"), key("f"))));
        assertEquals(List.of(), numbers(v.overlapping(1, key("i"), key("j"))));
        assertEquals(List.of(2L, 3L), numbers(v.overlapping(1, key("h"), null)));
        assertEquals(List.of(1L), numbers(v.overlapping(1, null, key("b"))));
        assertEquals(List.of(1L, 2L, 3L), numbers(v.overlapping(1, null, null)));
        assertEquals(List.of(11L), numbers(v.overlapping(0, key("d"), key("h"))));
        assertEquals(List.of(11L, 10L), numbers(v.overlapping(0, key("c"), key("g"))));
    }

    @Test
    void overlappingTablesAboveLevelZeroAreRejectedAndNothingChanges() {
        Version v = threeTablesAtLevel1();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.apply(adding(table(9, 1, "c", "e", 1, 1))));
        assertTrue(e.getMessage().contains("overlap at level 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.apply(adding(table(9, 1, "d", "e", 1, 1))),
                "sharing a boundary key is overlapping");
        assertThrows(IllegalArgumentException.class, () -> v.apply(adding(table(9, 2, "a", "c", 1, 1),
                table(10, 2, "c", "z", 1, 1))), "two new tables overlapping each other");
        assertEquals(List.of(1L, 2L, 3L), numbers(v.files(1)), "the version is immutable");
        // Level 0 may overlap; the same range one level down in a gap is fine.
        Version ok = v.apply(adding(flushed(9, "c", "e"), flushed(10, "c", "e"), table(11, 1, "i", "j", 1, 1)));
        assertEquals(List.of(1L, 2L, 11L, 3L), numbers(ok.files(1)));
    }

    @Test
    void removingAMissingTableOrRepeatingANumberIsRejected() {
        Version v = threeTablesAtLevel1();
        assertThrows(IllegalArgumentException.class, () -> v.apply(VersionEdit.builder().removeTable(1, 99).build()));
        assertThrows(IllegalArgumentException.class, () -> v.apply(VersionEdit.builder().removeTable(2, 1).build()),
                "table 1 is at level 1, not 2");
        assertThrows(IllegalArgumentException.class, () -> v.apply(adding(flushed(2, "x", "y"))));
    }

    @Test
    void aTableMovesDownALevelUnderItsOwnNumber() {
        Version v = Version.EMPTY.apply(adding(flushed(1, "a", "c")));
        Version moved = v.apply(VersionEdit.builder().removeTable(0, 1).addTable(v.files(0).get(0).atLevel(4)).build());
        assertEquals(List.of(), moved.files(0));
        assertEquals(List.of(1L), numbers(moved.files(4)));
        assertSame(v.files(2), moved.files(2), "untouched levels are shared, not copied");
    }

    @Test
    void levelBytesSumTableSizes() {
        Version v = threeTablesAtLevel1(); // sizes 1001, 1002, 1003
        assertEquals(3_006, v.levelBytes(1));
        assertEquals(0, v.levelBytes(0));
        Version less = v.apply(VersionEdit.builder().removeTable(1, 2).build());
        assertEquals(2_004, less.levelBytes(1));
        assertEquals(2, less.tableCount());
        assertThrows(IllegalArgumentException.class, () -> v.levelBytes(Version.LEVELS));
    }

    @Test
    void levelListsCannotBeModified() {
        Version v = threeTablesAtLevel1();
        assertThrows(UnsupportedOperationException.class, () -> v.files(1).clear());
        assertThrows(UnsupportedOperationException.class, () -> v.files(5).add(flushed(8, "a", "b")));
    }
}
