package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.corecache.engine.lsm.ManifestFixtures.adding;
import static io.corecache.engine.lsm.ManifestFixtures.flushed;
import static io.corecache.engine.lsm.ManifestFixtures.manifestNames;
import static io.corecache.engine.lsm.ManifestFixtures.names;
import static io.corecache.engine.lsm.ManifestFixtures.randomEdit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating, logging to, rolling over and reopening a manifest; damaged files; failed fsyncs. */
class ManifestTest {

    private static final FileOps DISK = FileOps.DEFAULT;

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("lsm");
    }

    /** A manifest created with table 1, then {@code edits} flushes of tables 2, 3, ...; the model mirrors it. */
    private Manifest withFlushes(FileOps fileOps, VersionSet model, int edits, long rolloverBytes) {
        VersionEdit initial = adding(flushed(1, "a", "m"));
        model.apply(initial);
        Manifest manifest = Manifest.create(dir(), fileOps, initial, rolloverBytes);
        for (int n = 2; n < 2 + edits; n++) {
            VersionEdit flush = VersionEdit.builder().addTable(flushed(n, "b", "c")).lastSequence(n * 10 + 9).build();
            manifest.log(flush);
            model.apply(flush);
        }
        return manifest;
    }

    private static void assertState(VersionSet expected, Manifest manifest) {
        assertEquals(expected.fullStateEdit(), manifest.versions().fullStateEdit());
    }

    @Test
    void createLogAndReopenGiveTheSameState() {
        Random random = new Random(5);
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(DISK, model, 0, Manifest.DEFAULT_ROLLOVER_BYTES);
        for (int i = 0; i < 150; i++) {
            VersionEdit edit = randomEdit(random, model);
            model.apply(edit);
            Version logged = manifest.log(edit);
            assertEquals(model.current().tableNumbers(), logged.tableNumbers());
            if (i % 15 == 14) {
                manifest.close();
                manifest = Manifest.open(dir(), DISK);
                assertState(model, manifest);
            }
        }
        assertTrue(model.current().tableCount() > 5, "the workload built a tree: " + model.current());
        manifest.close();
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertState(model, reopened);
            for (int level = 0; level < Version.LEVELS; level++) {
                assertEquals(model.current().files(level), reopened.versions().current().files(level));
            }
        }
    }

    @Test
    void pastItsSizeLimitTheManifestRollsOverToTheFullStateAndDeletesTheOldOne() {
        FaultyFileOps counting = new FaultyFileOps();
        Random random = new Random(9);
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(counting, model, 0, 512);
        Path first = manifest.path();
        for (int i = 0; i < 200; i++) {
            VersionEdit edit = randomEdit(random, model);
            model.apply(edit);
            manifest.log(edit);
            assertEquals(List.of(manifest.path().getFileName().toString()), manifestNames(dir()));
        }
        long rollovers = counting.count(Op.RENAME, FaultyFileOps.nameEndsWith(".tmp")) - 1; // less create's
        assertTrue(rollovers >= 5, "rolled over " + rollovers + " times");
        assertNotEquals(first, manifest.path());
        assertEquals(LsmFiles.manifest(1 + rollovers), manifest.path().getFileName().toString());
        assertTrue(manifest.size() < 512 + 2 * 1024, "stays near the limit: " + manifest.size());
        manifest.close();
        try (Manifest reopened = Manifest.open(dir(), DISK, 512)) {
            assertState(model, reopened);
        }
    }

    @Test
    void aStateBiggerThanTheLimitIsNotRewrittenAtEveryEdit() {
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(DISK, model, 40, 64); // the full state soon passes 64 bytes
        manifest.close();
        FaultyFileOps counting = new FaultyFileOps();
        try (Manifest reopened = Manifest.open(dir(), counting, 64)) {
            for (int n = 100; n < 120; n++) {
                reopened.log(VersionEdit.builder().addTable(flushed(n, "x", "y")).build());
            }
            assertTrue(counting.count(Op.RENAME) <= 3, counting.count(Op.RENAME) + " rollovers for 20 edits");
        }
    }

    @Test
    void fileNumbersHandedOutBeforeAnEditAreNotReusedAfterAReopen() {
        Manifest manifest = withFlushes(DISK, new VersionSet(), 1, Manifest.DEFAULT_ROLLOVER_BYTES);
        long wal = manifest.versions().newFileNumber();
        long table = manifest.versions().newFileNumber();
        manifest.log(VersionEdit.builder().logNumber(wal).build());
        manifest.close();
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertEquals(table + 1, reopened.versions().nextFileNumber());
            assertEquals(wal, reopened.versions().logNumber());
        }
    }

    @Test
    void anEditThatDoesNotApplyIsRefusedBeforeAnythingIsWritten() {
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(DISK, model, 2, Manifest.DEFAULT_ROLLOVER_BYTES);
        long size = manifest.size();
        assertThrows(IllegalArgumentException.class,
                () -> manifest.log(VersionEdit.builder().removeTable(0, 99).build()));
        assertThrows(IllegalArgumentException.class,
                () -> manifest.log(VersionEdit.builder().addTable(ManifestFixtures.sorted(50, 1, 1))
                        .addTable(new TableFile(51, 1, 1, "t00000050b".getBytes(StandardCharsets.UTF_8),
                                "t00000050c".getBytes(StandardCharsets.UTF_8), 1, 1, 1)).build()));
        assertEquals(size, manifest.size());
        manifest.log(adding(flushed(7, "q", "r"))); // still usable
        model.apply(adding(flushed(7, "q", "r")));
        manifest.close();
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertState(model, reopened);
        }
    }

    @Test
    void createRefusesADirectoryThatAlreadyHasAManifest() {
        withFlushes(DISK, new VersionSet(), 1, Manifest.DEFAULT_ROLLOVER_BYTES).close();
        assertTrue(Manifest.exists(dir(), DISK));
        StorageException e = assertThrows(StorageException.class,
                () -> Manifest.create(dir(), DISK, adding(flushed(1, "a", "b"))));
        assertTrue(e.getMessage().contains("already has"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Manifest.create(tmp.resolve("other"), DISK,
                VersionEdit.builder().removeTable(0, 1).build()), "a full state removes nothing");
        assertFalse(Manifest.exists(tmp.resolve("other"), DISK));
    }

    @Test
    void leftoversOfAnInterruptedSwitchAreRemovedOnOpen() throws IOException {
        withFlushes(DISK, new VersionSet(), 1, Manifest.DEFAULT_ROLLOVER_BYTES).close();
        Files.write(dir().resolve(LsmFiles.manifest(2)), new byte[] {1, 2, 3});
        Files.write(dir().resolve("CURRENT.tmp"), "MANIFEST-0000000000000002\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir().resolve(LsmFiles.sst(5)), new byte[] {1}); // not the manifest's to touch
        Manifest.open(dir(), DISK).close();
        assertEquals(List.of("0000000000000005.sst", "CURRENT", LsmFiles.manifest(1)), names(dir()));
    }

    // ------------------------------------------------------------------------------------------ damage

    /** The manifest's bytes and where each record starts: full state, then 3 edits. */
    private record Layout(byte[] bytes, List<Long> recordStarts, List<VersionEdit> states) {
    }

    private Layout threeEdits() {
        VersionSet model = new VersionSet();
        List<Long> starts = new ArrayList<>();
        List<VersionEdit> states = new ArrayList<>();
        VersionEdit initial = adding(flushed(1, "a", "m"), flushed(2, "c", "d"));
        model.apply(initial);
        states.add(model.fullStateEdit());
        starts.add(0L);
        Manifest manifest = Manifest.create(dir(), DISK, initial);
        List<VersionEdit> edits = List.of(
                VersionEdit.builder().addTable(flushed(3, "e", "z")).lastSequence(39).logNumber(3).build(),
                VersionEdit.builder().removeTable(0, 1).removeTable(0, 2).addTable(ManifestFixtures.sorted(4, 1, 9)).build(),
                VersionEdit.builder().appliedRevision(77).build());
        for (VersionEdit edit : edits) {
            starts.add(manifest.size());
            manifest.log(edit);
            model.apply(edit);
            states.add(model.fullStateEdit());
        }
        manifest.close();
        try {
            return new Layout(Files.readAllBytes(manifest.path()), starts, states);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path manifestPath() {
        return dir().resolve(LsmFiles.manifest(1));
    }

    @Test
    void everyFlippedBitIsCaught() throws IOException {
        Layout layout = threeEdits();
        int lastStart = layout.recordStarts().get(3).intValue();
        for (int at = 0; at < layout.bytes().length; at++) {
            byte[] damaged = layout.bytes().clone();
            damaged[at] ^= (byte) (1 << (at % 8));
            Files.write(manifestPath(), damaged);
            if (at < lastStart) {
                int record = 0;
                while (record + 1 < layout.recordStarts().size() && layout.recordStarts().get(record + 1) <= at) {
                    record++;
                }
                CorruptionException e = assertThrows(CorruptionException.class, () -> Manifest.open(dir(), DISK),
                        "bit flipped at " + at);
                assertEquals(manifestPath(), e.file());
                assertEquals((long) layout.recordStarts().get(record), e.offset(), "bit flipped at " + at);
            } else {
                // Damage in the last record cannot be told from a write cut short: the edit is dropped.
                try (Manifest reopened = Manifest.open(dir(), DISK)) {
                    assertEquals(layout.states().get(2), reopened.versions().fullStateEdit(), "bit flipped at " + at);
                }
                assertEquals(lastStart, Files.size(manifestPath()), "cut where the damaged record began");
            }
        }
    }

    @Test
    void aDamagedFirstRecordIsCorruptionEvenWhenNothingFollows() throws IOException {
        Manifest.create(dir(), DISK, adding(flushed(1, "a", "m"))).close();
        byte[] bytes = Files.readAllBytes(manifestPath());
        bytes[bytes.length - 1] ^= 1;
        Files.write(manifestPath(), bytes);
        CorruptionException e = assertThrows(CorruptionException.class, () -> Manifest.open(dir(), DISK));
        assertEquals(0, e.offset());
        assertTrue(e.reason().contains("full state"), e.reason());
        Files.write(manifestPath(), new byte[0]);
        assertEquals(0, assertThrows(CorruptionException.class, () -> Manifest.open(dir(), DISK)).offset());
    }

    @Test
    void aTornTailIsDroppedAndCutOffAndTheManifestGoesOn() throws IOException {
        Layout layout = threeEdits();
        int end = layout.bytes().length;
        // A crash mid-append: a header promising 40 bytes, then 10 of them; then preallocated zeros.
        byte[] torn = {0, 0, 0, 40, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
        Files.write(manifestPath(), torn, StandardOpenOption.APPEND);
        Files.write(manifestPath(), new byte[8192], StandardOpenOption.APPEND);
        VersionSet model = new VersionSet();
        model.apply(layout.states().get(3));
        long withMore;
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertState(model, reopened);
            assertEquals(end, reopened.size());
            VersionEdit more = adding(flushed(20, "k", "l"));
            reopened.log(more);
            model.apply(more);
            withMore = reopened.size();
        }
        assertEquals(withMore, Files.size(manifestPath()), "the new edit went where the torn one was");
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertState(model, reopened);
        }
    }

    @Test
    void zerosAfterTheLastRecordAreTheEndOfTheData() throws IOException {
        Layout layout = threeEdits();
        Files.write(manifestPath(), new byte[100_000], StandardOpenOption.APPEND);
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertEquals(layout.states().get(3), reopened.versions().fullStateEdit());
            assertEquals(layout.bytes().length, reopened.size());
        }
    }

    @Test
    void aMissingCurrentSaysThereIsNoManifest() {
        StorageException e = assertThrows(StorageException.class, () -> Manifest.open(dir(), DISK));
        assertFalse(e instanceof CorruptionException);
        assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
    }

    @Test
    void aCurrentNamingAMissingManifestNamesBoth() throws IOException {
        withFlushes(DISK, new VersionSet(), 1, Manifest.DEFAULT_ROLLOVER_BYTES).close();
        Files.delete(manifestPath());
        StorageException e = assertThrows(StorageException.class, () -> Manifest.open(dir(), DISK));
        assertTrue(e.getMessage().contains(LsmFiles.manifest(1)) && e.getMessage().contains("CURRENT"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MANIFEST-0000000000000001", "MANIFEST-1\n", "manifest-0000000000000001\n",
            "MANIFEST-0000000000000001\nMANIFEST-0000000000000002\n", "\u0000\u0000\u0000\u0000"})
    void aCurrentThatHoldsNoManifestNameIsCorruptionInCurrent(String content) throws IOException {
        withFlushes(DISK, new VersionSet(), 1, Manifest.DEFAULT_ROLLOVER_BYTES).close();
        Files.writeString(dir().resolve("CURRENT"), content, StandardCharsets.US_ASCII);
        CorruptionException e = assertThrows(CorruptionException.class, () -> Manifest.open(dir(), DISK));
        assertEquals(dir().resolve("CURRENT"), e.file());
    }

    // ------------------------------------------------------------------------------------------ failures

    @Test
    void aFailedFsyncFailsTheManifest() {
        FaultyFileOps faulty = new FaultyFileOps();
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(faulty, model, 2, Manifest.DEFAULT_ROLLOVER_BYTES);
        VersionEdit before = model.fullStateEdit();
        faulty.failSyncs(1, path -> path.getFileName().toString().startsWith(LsmFiles.MANIFEST_PREFIX));
        VersionEdit edit = adding(flushed(10, "a", "b"));
        assertThrows(StorageException.class, () -> manifest.log(edit));
        assertEquals(before, manifest.versions().fullStateEdit(), "an edit not durable is not applied");
        StorageException later = assertThrows(StorageException.class, () -> manifest.log(adding(flushed(11, "a", "b"))));
        assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
        assertEquals(1, faulty.faultsInjected(), "the second edit was refused, not tried");
        manifest.close();
        model.apply(edit);
        try (Manifest reopened = Manifest.open(dir(), DISK)) { // the bytes may or may not have reached the disk
            VersionEdit state = reopened.versions().fullStateEdit();
            assertTrue(state.equals(before) || state.equals(model.fullStateEdit()), state.toString());
        }
    }

    @Test
    void aFailedFsyncOfCurrentDuringARolloverFailsTheManifestAndKeepsTheOldState() {
        FaultyFileOps faulty = new FaultyFileOps();
        VersionSet model = new VersionSet();
        Manifest manifest = withFlushes(faulty, model, 6, 64);
        VersionEdit before = model.fullStateEdit();
        String live = manifest.path().getFileName().toString();
        faulty.failSyncs(1, FaultyFileOps.nameEndsWith(".tmp"));
        assertThrows(StorageException.class, () -> manifest.log(adding(flushed(30, "a", "b"))));
        assertThrows(StorageException.class, () -> manifest.log(adding(flushed(31, "a", "b"))));
        manifest.close();
        try (Manifest reopened = Manifest.open(dir(), DISK)) {
            assertEquals(before, reopened.versions().fullStateEdit());
            assertEquals(List.of(live), manifestNames(dir()), "the half-made manifest is gone");
        }
    }

    @Test
    void aClosedManifestRefusesEdits() {
        Manifest manifest = withFlushes(DISK, new VersionSet(), 0, Manifest.DEFAULT_ROLLOVER_BYTES);
        manifest.close();
        manifest.close();
        StorageException e = assertThrows(StorageException.class, () -> manifest.log(adding(flushed(5, "a", "b"))));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
