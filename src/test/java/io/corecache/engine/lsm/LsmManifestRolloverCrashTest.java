package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import io.corecache.engine.lsm.LsmFaultFixtures.CountingHook;
import io.corecache.engine.lsm.LsmFaultFixtures.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

import static io.corecache.engine.lsm.LsmFaultFixtures.abandon;
import static io.corecache.engine.lsm.LsmFaultFixtures.copy;
import static io.corecache.engine.lsm.ManifestFixtures.names;
import static io.corecache.engine.lsm.LsmFaultFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A power loss at every file operation of a manifest rollover the engine does: during a flush install
 * (new manifest written and fsynced, CURRENT.tmp written, fsynced and renamed over CURRENT, directory
 * fsynced, old manifest deleted), and during an open that replays a log and installs its table. LsmCrashTest
 * cuts every step of a flush whose edit is appended to the live manifest; ManifestCrashTest cuts every
 * step of a rollover of the manifest alone. Here the engine's own edits roll over: the manifest is padded
 * with valid edits that change nothing to the rollover size, as years of edits would make it. After each crash a reopen on a healthy disk has every acknowledged
 * write, exactly one manifest, no CURRENT.tmp, and goes on taking writes.
 */
class LsmManifestRolloverCrashTest {

    private static final int KEYS = 200;

    @TempDir
    Path tmp;

    /**
     * Appends valid edits that change nothing until the manifest is {@code size} bytes, give or take one
     * small record: pairs that add a table with 60 KB keys (no file; nothing reads it) and remove it again,
     * so a reopen replays few records, then {@code nextFileNumber 1} edits of 10 bytes each.
     */
    private static void padManifest(Path dir, long size) throws IOException {
        Path manifest = dir.resolve(liveManifest(dir));
        ByteArrayOutputStream padding = new ByteArrayOutputStream();
        long at = Files.size(manifest);
        byte[] key = "p".repeat(60_000).getBytes(StandardCharsets.US_ASCII);
        byte[] small = frame(VersionEdit.builder().nextFileNumber(1).build());
        for (long number = 1L << 40; ; number++) {
            byte[] add = frame(VersionEdit.builder().addTable(new TableFile(number, 0, 1, key, key, 0, 0, 1)).build());
            byte[] remove = frame(VersionEdit.builder().removeTable(0, number).build());
            if (at + add.length + remove.length > size) {
                break;
            }
            padding.write(add);
            padding.write(remove);
            at += add.length + remove.length;
        }
        for (; at + small.length <= size; at += small.length) {
            padding.write(small);
        }
        Files.write(manifest, padding.toByteArray(), StandardOpenOption.APPEND);
    }

    /** One manifest record: {@code length u32 | crc32c u32 (of the payload) | payload} (docs/formats.md). */
    private static byte[] frame(VersionEdit edit) {
        byte[] payload = edit.encode();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(Manifest.HEADER_BYTES + payload.length).putInt(payload.length)
                .putInt((int) crc.getValue()).put(payload).array();
    }

    private static String liveManifest(Path dir) {
        List<String> manifests = names(dir).stream().filter(n -> n.startsWith(LsmFiles.MANIFEST_PREFIX)).toList();
        assertEquals(1, manifests.size(), "exactly one manifest: " + names(dir));
        return manifests.get(0);
    }

    /**
     * A crash before each file operation of a flush, from its memtable switch to the old log's deletion,
     * whose manifest edit rolls over. The manifest is padded to just under the limit: the edit the open
     * logs pushes it over, so the flush's edit is the one that starts a new manifest.
     */
    @Test
    void aCrashAtAnyFileOperationOfAFlushThatRollsTheManifestOverLosesNothing() throws IOException {
        Path base = tmp.resolve("base");
        Model prepared = new Model();
        try (LsmEngine engine = LsmEngine.open(base, options(FileOps.CHANNELS))) {
            prepared.round(engine, 0, KEYS, 0, 1);
            engine.flush();
        }
        padManifest(base, Manifest.DEFAULT_ROLLOVER_BYTES);
        String before = liveManifest(base);
        int steps = crashAtEveryStep(base, prepared, true, before);
        assertTrue(steps >= 12, steps + " operations: a table, then a manifest, CURRENT.tmp, rename, syncs");
    }

    /**
     * A crash before each file operation of an open that finds writes in a log: it replays them, writes
     * them to a table and logs that in a manifest already past the limit, so the open rolls over.
     */
    @Test
    void aCrashAtAnyFileOperationOfAnOpenThatRollsTheManifestOverLosesNothing() throws IOException {
        Path base = tmp.resolve("base");
        Model prepared = new Model();
        try (LsmEngine engine = LsmEngine.open(base, options(FileOps.CHANNELS))) {
            prepared.round(engine, 0, KEYS, 0, 1);
            engine.flush();
            prepared.round(engine, 1, KEYS, 0, 2); // left in the log: closing fsyncs it, does not flush
        }
        padManifest(base, Manifest.DEFAULT_ROLLOVER_BYTES + 100);
        String before = liveManifest(base);
        int steps = crashAtEveryStep(base, prepared, false, before);
        assertTrue(steps >= 12, steps + " operations");
    }

    /** Returns how many file operations the work took when it completed with no crash. */
    private int crashAtEveryStep(Path base, Model prepared, boolean flush, String manifestBefore) {
        for (int step = 1; step < 300; step++) {
            Path dir = tmp.resolve((flush ? "flush-" : "open-") + step);
            copy(base, dir);
            Model model = prepared.copy();
            LostWrites lost = LostWrites.values()[step % LostWrites.values().length];
            FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, step);
            CountingHook hook = new CountingHook(faulty, step, lost, true, (op, path) -> true);
            faulty.beforeEach(hook);
            LsmEngine engine = null;
            try {
                if (flush) {
                    // Log fsyncs per write: the crash may come before the switch closes (fsyncs) the old log.
                    engine = LsmEngine.open(dir, options(faulty, Durability.SYNC));
                    model.round(engine, 1, KEYS, 1, 10);
                    hook.primed = true;
                    engine.flush();
                } else {
                    hook.primed = true;
                    engine = LsmEngine.open(dir, options(faulty));
                }
            } catch (StorageException | UncheckedIOException e) { // FaultyFileOps.exists() throws unchecked once crashed
                assertTrue(faulty.crashed(), "only the crash fails: " + e);
            }
            hook.primed = false;
            boolean crashed = faulty.crashed();
            if (engine != null) {
                abandon(engine);
            }
            if (!crashed) {
                assertNotEquals(manifestBefore, liveManifest(dir), "the " + (flush ? "flush" : "open") + " rolled over");
            }
            faulty.crash(lost); // if it has not happened: just after the flush or open returned
            String where = "crash (" + lost + ") before operation " + step + ": " + hook.fired();
            try (LsmEngine reopened = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
                model.check(reopened, where);
                liveManifest(dir);
                assertFalse(names(dir).contains(LsmFiles.temp(LsmFiles.CURRENT)), where + ": " + names(dir));
                model.round(reopened, 2, KEYS, 0, 5);
                reopened.flush();
            }
            try (LsmEngine again = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
                model.check(again, where + ", then writes and a flush");
            }
            if (!crashed) {
                return step - 1;
            }
        }
        throw new AssertionError("the work never finished without a crash");
    }
}
