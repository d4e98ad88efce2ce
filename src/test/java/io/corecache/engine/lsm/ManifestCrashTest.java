package io.corecache.engine.lsm;

import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.corecache.engine.lsm.ManifestFixtures.adding;
import static io.corecache.engine.lsm.ManifestFixtures.flushed;
import static io.corecache.engine.lsm.ManifestFixtures.manifestNames;
import static io.corecache.engine.lsm.ManifestFixtures.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A power loss at every file operation of a {@code log()} (append, fsync), of a rollover (new manifest,
 * CURRENT.tmp, rename, directory fsync, deleting the old one) and of {@code create()}: the manifest always
 * reopens, to the state before the edit or after it, never a mix; an acknowledged edit is always there;
 * and the reopened manifest takes further edits.
 */
class ManifestCrashTest {

    private static final long ROLLS_AT = 64;
    private static final long NEVER_ROLLS = 1 << 20;

    @TempDir
    Path tmp;

    /** What the crash does to unsynced bytes: the first {@code keep} reach the disk, the rest as {@code rest}. */
    record Loss(long keep, LostWrites rest) {
    }

    /**
     * The file system under the faults. Mapped files are extended 16 MiB ahead, so after a crash they end
     * in zeros (and reopening reads them all, which is slow): every loss runs on channels, one on mappings.
     */
    enum Disk {
        MAPPED(FileOps.MAPPED), CHANNELS(FileOps.CHANNELS);

        final FileOps fileOps;

        Disk(FileOps fileOps) {
            this.fileOps = fileOps;
        }
    }

    private static final List<Loss> LOSSES = List.of(new Loss(0, LostWrites.CUT), new Loss(0, LostWrites.ZEROS),
            new Loss(0, LostWrites.GARBAGE), new Loss(5, LostWrites.CUT), new Loss(12, LostWrites.GARBAGE));

    static Stream<Arguments> crashes() {
        return Stream.of(Metadata.values()).flatMap(m -> Stream.concat(
                LOSSES.stream().map(loss -> Arguments.of(Disk.CHANNELS, m, loss)),
                Stream.of(Arguments.of(Disk.MAPPED, m, new Loss(0, LostWrites.GARBAGE)))));
    }

    @ParameterizedTest(name = "{0}, metadata {1}, {2}")
    @MethodSource("crashes")
    void aCrashAtEveryStepOfLoggingAnEditLeavesTheOldOrTheNewState(Disk disk, Metadata metadata, Loss loss)
            throws IOException {
        int steps = crashAtEveryStep(disk, metadata, loss, false);
        assertEquals(2, steps, "append and fsync");
    }

    @ParameterizedTest(name = "{0}, metadata {1}, {2}")
    @MethodSource("crashes")
    void aCrashAtEveryStepOfARolloverLeavesTheOldOrTheNewState(Disk disk, Metadata metadata, Loss loss)
            throws IOException {
        int steps = crashAtEveryStep(disk, metadata, loss, true);
        assertTrue(steps >= 10, steps + " steps: a rollover writes two files, renames and syncs the directory");
    }

    /**
     * Builds a manifest (table 1, then four flushes: about 140 bytes, more than the 64-byte limit and than
     * twice its full-state record, so with the limit the next edit rolls over), then, in a copy of it per
     * step, logs a compaction of level 0 into level 1, crashing before its 1st, 2nd, ... file operation
     * until one run completes with no crash. Returns how many operations the edit took.
     */
    private int crashAtEveryStep(Disk fileSystem, Metadata metadata, Loss loss, boolean rollover) throws IOException {
        Path base = tmp.resolve("base");
        VersionSet model = new VersionSet();
        VersionEdit initial = adding(flushed(1, "a", "m"));
        model.apply(initial);
        try (Manifest history = Manifest.create(base, FileOps.DEFAULT, initial, NEVER_ROLLS)) {
            for (long n = 2; n <= 5; n++) {
                VersionEdit flush = VersionEdit.builder().addTable(flushed(n, "c", "k")).lastSequence(n * 10 + 9)
                        .logNumber(n).build();
                history.log(flush);
                model.apply(flush);
            }
        }
        for (int step = 1; step < 100; step++) {
            Path dir = tmp.resolve("step-" + step);
            copy(base, dir);
            FaultyFileOps disk = new FaultyFileOps(fileSystem.fileOps, metadata, step); // sees the copy as durable
            Manifest manifest = Manifest.open(dir, disk, rollover ? ROLLS_AT : NEVER_ROLLS);
            model = new VersionSet();
            model.apply(manifest.versions().fullStateEdit());
            VersionEdit compaction = VersionEdit.builder().removeTable(0, 1).removeTable(0, 2).removeTable(0, 3)
                    .removeTable(0, 4).removeTable(0, 5).addTable(ManifestFixtures.sorted(6, 1, 50))
                    .addTable(ManifestFixtures.sorted(7, 1, 50)).appliedRevision(99).build();
            VersionEdit before = model.fullStateEdit();
            model.apply(compaction);
            VersionEdit after = model.fullStateEdit();
            Path livePath = manifest.path();

            AtomicBoolean armed = new AtomicBoolean(true);
            AtomicInteger seen = new AtomicInteger();
            int crashAt = step;
            disk.beforeEach((op, path) -> {
                if (armed.get() && seen.incrementAndGet() == crashAt) {
                    disk.crash(loss.keep(), loss.rest());
                    throw new IOException("power loss before " + op + " " + path);
                }
            });
            boolean acknowledged;
            try {
                manifest.log(compaction);
                acknowledged = true;
            } catch (StorageException e) {
                acknowledged = false;
            }
            armed.set(false);
            boolean crashedDuringTheEdit = disk.crashed();
            boolean rolledOver = !manifest.path().equals(livePath);
            disk.crash(loss.keep(), loss.rest()); // if it has not happened yet: just after the edit returned
            manifest.close();

            String where = "crash before operation " + step + " of the edit";
            VersionEdit recovered;
            try (Manifest reopened = Manifest.open(dir, FileOps.DEFAULT, NEVER_ROLLS)) {
                recovered = reopened.versions().fullStateEdit();
                assertTrue(recovered.equals(before) || recovered.equals(after), where + ": recovered " + recovered);
                if (acknowledged) {
                    assertEquals(after, recovered, where + ": the edit was acknowledged");
                }
                assertEquals(1, manifestNames(dir).size(), where + ": " + names(dir));
                assertFalse(names(dir).contains("CURRENT.tmp"), where);
                reopened.log(adding(flushed(100, "x", "z")));
            }
            VersionSet expected = new VersionSet();
            expected.apply(recovered);
            expected.apply(adding(flushed(100, "x", "z")));
            try (Manifest again = Manifest.open(dir, FileOps.DEFAULT)) {
                assertEquals(expected.fullStateEdit(), again.versions().fullStateEdit(), where + ", then one more edit");
            }
            deleteAll(dir);
            if (!crashedDuringTheEdit) {
                assertTrue(acknowledged);
                assertEquals(rollover, rolledOver, "the edit " + (rollover ? "should" : "should not") + " roll over");
                return step - 1;
            }
        }
        throw new AssertionError("the edit never finished");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : names(from)) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        for (String name : names(dir)) {
            Files.delete(dir.resolve(name));
        }
        Files.delete(dir);
    }

    @ParameterizedTest
    @EnumSource(Metadata.class)
    void aCrashAtEveryStepOfCreateLeavesNoManifestOrTheWholeOne(Metadata metadata) {
        VersionEdit initial = adding(flushed(1, "a", "m"), ManifestFixtures.sorted(2, 3, 7));
        VersionSet model = new VersionSet();
        model.apply(initial);
        for (int step = 1; step < 100; step++) {
            Path dir = tmp.resolve("create-" + step);
            FaultyFileOps disk = new FaultyFileOps(metadata, step);
            AtomicInteger seen = new AtomicInteger();
            int crashAt = step;
            disk.beforeEach((op, path) -> {
                if (seen.incrementAndGet() == crashAt) {
                    disk.crash();
                    throw new IOException("power loss before " + op + " " + path);
                }
            });
            boolean acknowledged;
            try {
                Manifest.create(dir, disk, initial).close();
                acknowledged = true;
            } catch (StorageException e) {
                acknowledged = false;
            }
            boolean crashed = disk.crashed();
            disk.crash();
            String where = "crash before operation " + step + " of create";
            if (!Manifest.exists(dir, FileOps.DEFAULT)) {
                assertFalse(acknowledged, where + ": create returned, so CURRENT must be durable");
                Manifest.create(dir, FileOps.DEFAULT, initial).close(); // over whatever the crash left
            }
            try (Manifest reopened = Manifest.open(dir, FileOps.DEFAULT)) {
                assertEquals(model.fullStateEdit(), reopened.versions().fullStateEdit(), where);
            }
            assertEquals(1, manifestNames(dir).size(), where + ": " + names(dir));
            if (!crashed) {
                assertTrue(step > 8, step - 1 + " operations");
                return;
            }
        }
        throw new AssertionError("create never finished");
    }
}
