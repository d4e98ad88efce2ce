package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.corecache.engine.lsm.ManifestFixtures.adding;
import static io.corecache.engine.lsm.ManifestFixtures.flushed;
import static io.corecache.engine.lsm.ManifestFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VersionSetTest {

    /** A compaction of level-0 tables {@code inputs} into level-1 table {@code output}. */
    private static VersionEdit compaction(TableFile output, long... inputs) {
        VersionEdit.Builder edit = VersionEdit.builder().addTable(output);
        for (long input : inputs) {
            edit.removeTable(0, input);
        }
        return edit.build();
    }

    @Test
    void aPinnedVersionKeepsItsTablesLiveUntilReleased() {
        VersionSet set = new VersionSet();
        set.apply(adding(flushed(1, "a", "c"), flushed(2, "b", "d")));
        VersionSet.Pin iterator = set.pin();
        set.apply(compaction(table(3, 1, "a", "d", 10, 29), 1, 2));
        assertEquals(Set.of(3L), set.current().tableNumbers());
        assertEquals(Set.of(1L, 2L, 3L), set.liveTableNumbers(), "the iterator still reads 1 and 2");
        assertEquals(Set.of(1L, 2L), iterator.version().tableNumbers());
        iterator.close();
        assertEquals(Set.of(3L), set.liveTableNumbers());
        assertEquals(0, set.pinnedVersions());
    }

    @Test
    void eachPinCountsOnceAndClosingOneTwiceDoesNotReleaseAnother() {
        VersionSet set = new VersionSet();
        set.apply(adding(flushed(1, "a", "c")));
        VersionSet.Pin first = set.pin();
        VersionSet.Pin second = set.pin();
        assertSame(first.version(), second.version());
        set.apply(compaction(table(2, 1, "a", "c", 10, 19), 1));
        first.close();
        first.close();
        assertEquals(Set.of(1L, 2L), set.liveTableNumbers(), "the second pin still holds table 1");
        second.close();
        assertEquals(Set.of(2L), set.liveTableNumbers());
    }

    @Test
    void pinsOfSeveralVersionsKeepTheUnionLive() {
        VersionSet set = new VersionSet();
        set.apply(adding(flushed(1, "a", "b")));
        try (VersionSet.Pin old = set.pin()) {
            set.apply(VersionEdit.builder().removeTable(0, 1).addTable(flushed(2, "c", "d")).build());
            try (VersionSet.Pin middle = set.pin()) {
                set.apply(VersionEdit.builder().removeTable(0, 2).addTable(flushed(3, "e", "f")).build());
                assertEquals(Set.of(1L, 2L, 3L), set.liveTableNumbers());
                assertEquals(2, set.pinnedVersions());
            }
            assertEquals(Set.of(1L, 3L), set.liveTableNumbers());
        }
        assertEquals(Set.of(3L), set.liveTableNumbers());
    }

    @Test
    void fileNumbersAreNeverHandedOutTwice() {
        VersionSet set = new VersionSet();
        assertEquals(1, set.newFileNumber());
        assertEquals(2, set.newFileNumber());
        set.apply(adding(flushed(10, "a", "b")));
        assertEquals(11, set.nextFileNumber(), "past every table in the version");
        set.apply(VersionEdit.builder().nextFileNumber(5).build());
        assertEquals(11, set.nextFileNumber(), "an edit cannot lower it");
        assertEquals(11, set.newFileNumber());
        VersionSet.Pending pending = set.prepare(VersionEdit.builder().nextFileNumber(12).build());
        assertEquals(12, set.newFileNumber()); // handed out between prepare and install
        set.install(pending);
        assertEquals(13, set.nextFileNumber());
    }

    @Test
    void countersDoNotGoBackwards() {
        VersionSet set = new VersionSet();
        set.apply(VersionEdit.builder().lastSequence(100).logNumber(7).appliedRevision(40).build());
        assertThrows(IllegalArgumentException.class, () -> set.apply(VersionEdit.builder().lastSequence(99).build()));
        assertThrows(IllegalArgumentException.class, () -> set.apply(VersionEdit.builder().logNumber(6).build()));
        assertThrows(IllegalArgumentException.class,
                () -> set.apply(VersionEdit.builder().appliedRevision(39).lastSequence(200).build()));
        assertEquals(100, set.lastSequence(), "a refused edit changes nothing");
        set.apply(VersionEdit.builder().lastSequence(100).logNumber(8).build());
        assertEquals(8, set.logNumber());
        assertEquals(40, set.appliedRevision());
    }

    @Test
    void aPreparedEditIsRefusedIfAnotherWasInstalledFirst() {
        VersionSet set = new VersionSet();
        VersionSet.Pending stale = set.prepare(adding(flushed(1, "a", "b")));
        set.apply(adding(flushed(2, "c", "d")));
        assertThrows(IllegalStateException.class, () -> set.install(stale));
        assertEquals(Set.of(2L), set.current().tableNumbers());
    }

    @Test
    void theFullStateEditRebuildsTheSameState() {
        VersionSet set = new VersionSet();
        set.apply(adding(flushed(1, "a", "c"), flushed(2, "b", "d"), table(3, 2, "x", "y", 1, 2)));
        set.apply(VersionEdit.builder().lastSequence(29).logNumber(4).appliedRevision(17).build());
        VersionSet copy = new VersionSet();
        copy.apply(set.fullStateEdit());
        assertEquals(set.state().nextFileNumber(), copy.nextFileNumber());
        assertEquals(set.fullStateEdit(), copy.fullStateEdit());
        for (int level = 0; level < Version.LEVELS; level++) {
            assertEquals(set.current().files(level), copy.current().files(level));
        }
    }
}
