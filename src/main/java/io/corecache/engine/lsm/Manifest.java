package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The durable log of {@link VersionEdit}s that says which tables are live (docs/formats.md, "LSM
 * manifest"). {@code CURRENT} names the live {@code MANIFEST-n}; its first record is the full state and
 * every later record one edit, each framed as {@code length u32 | crc32c u32 (of the payload) | payload}.
 *
 * <p>Commit points, which is what keeps a crash from leaving a mix of two states:
 * <ul>
 *   <li>An edit appended to the manifest is committed once the manifest is fsynced. A crash before that
 *       leaves a damaged last record (or none): recovery drops it and cuts the file there.</li>
 *   <li>A new manifest (creation, rollover) is committed once {@code CURRENT} names it durably: the new
 *       manifest is written and fsynced, {@code CURRENT.tmp} is written and fsynced and renamed over
 *       {@code CURRENT}, and the directory is fsynced. Until that rename is durable the old manifest,
 *       untouched, is the state; the old one is deleted only after.</li>
 * </ul>
 * A failed write or fsync fails the manifest: what reached the disk is unknown, so every later call
 * throws until the engine reopens. An edit that does not apply is refused before anything is written.
 *
 * <p>Recovery reads the whole manifest (it stays near the rollover size). A damaged record with no
 * intact record anywhere after it is the torn tail of an uncommitted edit, unless the caller's
 * {@link TornTailCheck} finds that it had committed (a file the state before it needs is gone): then it is
 * corruption, as is damage followed by an intact record, or a damaged first record (it was fsynced before
 * CURRENT named the file).
 * Zero bytes where a record should start, to the end of the file, are the end of the data (files may be
 * extended ahead of their appends); no record has length 0, so zeros never read as a record.
 *
 * <p>One thread logs at a time ({@link #log} is synchronized); readers use {@link #versions()} freely.
 */
final class Manifest implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(Manifest.class);

    /**
     * Past this size the next {@link #log} starts a new manifest holding only the full state; also past
     * twice the size of the full-state record it began with, so a state bigger than the limit is not
     * rewritten at every edit.
     */
    static final long DEFAULT_ROLLOVER_BYTES = 4L << 20;
    /** length u32 | crc32c u32. */
    static final int HEADER_BYTES = 8;
    /** CURRENT holds one name and a newline; anything longer is not a CURRENT we wrote. */
    private static final int MAX_CURRENT_BYTES = 64;

    private final Path dir;
    private final FileOps fileOps;
    private final long rolloverBytes;
    private final VersionSet versions;

    // Guarded by "this".
    private FileHandle file;
    private long number;
    private long size;
    /** Bytes of the live manifest's first record (the full state). */
    private long fullStateBytes;
    private StorageException failure;
    private boolean closed;

    private Manifest(Path dir, FileOps fileOps, long rolloverBytes, VersionSet versions, FileHandle file,
                     long number, long size, long fullStateBytes) {
        this.dir = dir;
        this.fileOps = fileOps;
        this.rolloverBytes = rolloverBytes;
        this.versions = versions;
        this.file = file;
        this.number = number;
        this.size = size;
        this.fullStateBytes = fullStateBytes;
    }

    /** Whether {@code dir} has a CURRENT file, i.e. a manifest was created there. */
    static boolean exists(Path dir, FileOps fileOps) {
        return fileOps.exists(dir.resolve(LsmFiles.CURRENT));
    }

    static Manifest create(Path dir, FileOps fileOps, VersionEdit fullState) {
        return create(dir, fileOps, fullState, DEFAULT_ROLLOVER_BYTES);
    }

    /**
     * Starts the manifest of a new LSM directory, holding {@code fullState} (tables and counters; it must
     * remove nothing), and points CURRENT at it. Throws {@link StorageException} if the directory already
     * has a CURRENT, {@link IllegalArgumentException} if the state is impossible. Leftovers of a creation
     * a crash interrupted are harmless: the new manifest gets a number above theirs.
     */
    static Manifest create(Path dir, FileOps fileOps, VersionEdit fullState, long rolloverBytes) {
        VersionSet versions = new VersionSet();
        VersionSet.Pending pending = versions.prepare(fullState);
        Path current = dir.resolve(LsmFiles.CURRENT);
        FileHandle file = null;
        try {
            fileOps.createDirectories(dir);
            if (fileOps.exists(current)) {
                throw new StorageException("cannot create a manifest in " + dir + ": it already has " + current);
            }
            long number = 1;
            for (String name : fileOps.list(dir)) {
                OptionalLong leftover = LsmFiles.parseManifest(name);
                if (leftover.isPresent()) {
                    number = Math.max(number, leftover.getAsLong() + 1);
                }
            }
            file = fileOps.create(dir.resolve(LsmFiles.manifest(number)));
            long size = append(file, pending.next().toEdit());
            file.sync();
            writeCurrent(dir, fileOps, number);
            versions.install(pending);
            return new Manifest(dir, fileOps, rolloverBytes, versions, file, number, size, size);
        } catch (IOException | UncheckedIOException e) {
            closeQuietly(file);
            throw new StorageException("cannot create the manifest in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Says why a damaged last record cannot be the torn tail of an uncommitted edit, from what the disk
     * holds beside the manifest (the engine knows which files a state needs; see {@link LsmRecovery}).
     */
    @FunctionalInterface
    interface TornTailCheck {

        /** Trusts every damaged last record with nothing intact after it to be a torn tail. */
        TornTailCheck NONE = stateBefore -> null;

        /** Why the edit after {@code stateBefore} must have committed, or null if nothing says so. */
        String committedAfter(VersionSet stateBefore);
    }

    static Manifest open(Path dir, FileOps fileOps) {
        return open(dir, fileOps, DEFAULT_ROLLOVER_BYTES, TornTailCheck.NONE);
    }

    static Manifest open(Path dir, FileOps fileOps, long rolloverBytes) {
        return open(dir, fileOps, rolloverBytes, TornTailCheck.NONE);
    }

    /**
     * Replays the manifest CURRENT names into a new {@link VersionSet}, cuts off a torn tail (unless
     * {@code tornTailCheck} says its edit had committed: then it is corruption), and removes manifests a
     * crash left behind. Throws {@link CorruptionException} for damage (naming file and offset)
     * or a CURRENT that does not hold a manifest name, and {@link StorageException} for a missing CURRENT,
     * a CURRENT naming a missing file, or an I/O failure.
     */
    static Manifest open(Path dir, FileOps fileOps, long rolloverBytes, TornTailCheck tornTailCheck) {
        Path current = dir.resolve(LsmFiles.CURRENT);
        if (!fileOps.exists(current)) {
            throw new StorageException("no manifest in " + dir + ": " + current + " is missing");
        }
        Path path = null;
        FileHandle file = null;
        try {
            long number = readCurrent(fileOps, current);
            path = dir.resolve(LsmFiles.manifest(number));
            if (!fileOps.exists(path)) {
                throw new StorageException(current + " names " + path.getFileName() + ", which is missing from " + dir);
            }
            file = fileOps.openAppend(path);
            VersionSet versions = new VersionSet();
            Replayed replayed = replay(file, path, versions);
            long end = replayed.end();
            long fileSize = file.size();
            if (fileSize > end) {
                if (replayed.tornRecord()) {
                    String committed = tornTailCheck.committedAfter(versions);
                    if (committed != null) {
                        throw new CorruptionException(path, end, "the last record is damaged, but " + committed
                                + ": its edit had committed, and dropping it would lose what it recorded");
                    }
                    log.warn("manifest {}: dropping the damaged last record at offset {} (an edit a crash cut short)",
                            path, end);
                }
                file.truncate(end);
                file.sync();
            }
            removeLeftovers(dir, fileOps, number);
            return new Manifest(dir, fileOps, rolloverBytes, versions, file, number, end, replayed.fullStateBytes());
        } catch (IOException | UncheckedIOException e) {
            closeQuietly(file);
            throw new StorageException("cannot open the manifest " + (path != null ? path : current) + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /** The tables and counters; changed only through {@link #log}. */
    VersionSet versions() {
        return versions;
    }

    /** The path of the live manifest (it changes at each rollover). */
    synchronized Path path() {
        return dir.resolve(LsmFiles.manifest(number));
    }

    /** Bytes in the live manifest. */
    synchronized long size() {
        return size;
    }

    /**
     * Makes {@code edit} durable, then current; returns the new current version. The edit is recorded
     * with the current {@code nextFileNumber} (so numbers handed out before it are never reused). Past
     * the rollover size, the edit goes into a new manifest with the full state instead.
     *
     * @throws IllegalArgumentException the edit does not apply ({@link VersionSet#prepare}); nothing written
     * @throws StorageException         writing failed (the manifest is failed now), or it had failed or
     *                                  been closed before
     */
    synchronized Version log(VersionEdit edit) {
        checkUsable();
        VersionSet.Pending pending = versions.prepare(edit);
        try {
            if (size > rolloverBytes && size > 2 * fullStateBytes) {
                rollOver(pending.next());
            } else {
                long written = append(file, edit.withNextFileNumber(pending.next().nextFileNumber()));
                file.sync();
                size += written;
            }
        } catch (IOException e) {
            throw fail("cannot log an edit to " + path(), e);
        }
        return versions.install(pending);
    }

    /** Writes {@code next} as the full state of manifest {@code number + 1}, switches CURRENT, drops the old one. */
    private void rollOver(VersionSet.State next) throws IOException {
        long nextNumber = number + 1;
        Path nextPath = dir.resolve(LsmFiles.manifest(nextNumber));
        FileHandle nextFile = fileOps.create(nextPath);
        long nextSize;
        try {
            nextSize = append(nextFile, next.toEdit());
            nextFile.sync();
            writeCurrent(dir, fileOps, nextNumber);
        } catch (IOException | RuntimeException e) {
            closeQuietly(nextFile);
            throw e;
        }
        Path oldPath = path();
        FileHandle oldFile = file;
        file = nextFile;
        number = nextNumber;
        size = nextSize;
        fullStateBytes = nextSize;
        // Committed: CURRENT names the new manifest durably. Removing the old one is housekeeping that
        // open() redoes, so a failure here must not fail an edit that is already durable.
        try {
            oldFile.close();
            fileOps.delete(oldPath);
        } catch (IOException e) {
            log.warn("could not delete the old manifest {} after a rollover; the next open will", oldPath, e);
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new StorageException("the manifest in " + dir + " is closed");
        }
        if (failure != null) {
            throw new StorageException("the manifest in " + dir + " failed earlier; reopen to recover ("
                    + failure.getMessage() + ")", failure);
        }
    }

    private StorageException fail(String what, IOException cause) {
        failure = new StorageException(what + ": " + cause.getMessage(), cause);
        log.error("manifest in {} failed; edits refused until reopen", dir, failure);
        closeQuietly(file);
        return failure;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                file.close();
            } catch (IOException e) {
                throw new StorageException("cannot close " + path() + ": " + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ writing

    /** Appends one framed record holding {@code edit}; returns its size. */
    private static long append(FileHandle file, VersionEdit edit) throws IOException {
        byte[] payload = edit.encode();
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        record.putInt(payload.length).putInt(crc(payload, 0, payload.length)).put(payload).flip();
        file.append(record);
        return HEADER_BYTES + payload.length;
    }

    /** Points CURRENT at manifest {@code number} atomically: temp file, fsync, rename, fsync the directory. */
    private static void writeCurrent(Path dir, FileOps fileOps, long number) throws IOException {
        Path current = dir.resolve(LsmFiles.CURRENT);
        Path temp = dir.resolve(LsmFiles.temp(LsmFiles.CURRENT));
        fileOps.delete(temp); // a leftover of a crash would make create() fail
        try (FileHandle out = fileOps.create(temp)) {
            out.append(ByteBuffer.wrap((LsmFiles.manifest(number) + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.sync();
        }
        fileOps.rename(temp, current);
        fileOps.syncDirectory(dir);
    }

    // ----------------------------------------------------------------------------------------- recovery

    private static long readCurrent(FileOps fileOps, Path current) throws IOException {
        try (FileHandle in = fileOps.openRead(current)) {
            long length = in.size();
            if (length > MAX_CURRENT_BYTES) {
                throw new CorruptionException(current, 0, "CURRENT is " + length + " bytes, too long to hold a manifest name");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) length);
            in.readFully(bytes, 0);
            String text = new String(bytes.array(), StandardCharsets.US_ASCII);
            OptionalLong number = text.endsWith("\n")
                    ? LsmFiles.parseManifest(text.substring(0, text.length() - 1))
                    : OptionalLong.empty();
            if (number.isEmpty()) {
                throw new CorruptionException(current, 0, "CURRENT does not hold a manifest name: \""
                        + text.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
            }
            return number.getAsLong();
        }
    }

    /**
     * Where a manifest's intact records end, how long the first one is, and whether what follows them
     * is a damaged record rather than only zeros (space allocated ahead of appends).
     */
    private record Replayed(long end, long fullStateBytes, boolean tornRecord) {
    }

    /** Applies every intact record to {@code versions}. */
    private static Replayed replay(FileHandle file, Path path, VersionSet versions) throws IOException {
        long fileSize = file.size();
        if (fileSize > Integer.MAX_VALUE - 16) {
            throw new CorruptionException(path, 0, "manifest of " + fileSize + " bytes is too large to be one");
        }
        byte[] bytes = new byte[(int) fileSize];
        file.readFully(ByteBuffer.wrap(bytes), 0);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int position = 0;
        while (position < bytes.length) {
            String damage = damage(buffer, position);
            if (damage != null) {
                if (intactRecordAfter(buffer, position + 1)) {
                    throw new CorruptionException(path, position, damage + ", and intact records follow");
                }
                break; // the torn tail of an uncommitted edit, or zeros past the data
            }
            int length = buffer.getInt(position);
            VersionEdit edit = VersionEdit.decode(buffer.slice(position + HEADER_BYTES, length), path,
                    position + HEADER_BYTES);
            try {
                versions.apply(edit);
            } catch (IllegalArgumentException e) {
                throw new CorruptionException(path, position, "edit does not apply: " + e.getMessage());
            }
            position += HEADER_BYTES + length;
        }
        if (position == 0) {
            throw new CorruptionException(path, 0, "the first record, the full state, is missing or damaged");
        }
        boolean tornRecord = false;
        for (int at = position; at < bytes.length && !tornRecord; at++) {
            tornRecord = bytes[at] != 0;
        }
        return new Replayed(position, HEADER_BYTES + Integer.toUnsignedLong(buffer.getInt(0)), tornRecord);
    }

    /** What is wrong with the record at {@code at}, or null if it is intact. */
    private static String damage(ByteBuffer bytes, int at) {
        int left = bytes.limit() - at;
        if (left < HEADER_BYTES) {
            return "incomplete record header";
        }
        long length = Integer.toUnsignedLong(bytes.getInt(at));
        if (length == 0) {
            return "record of length 0";
        }
        if (length > left - HEADER_BYTES) {
            return "record of " + length + " bytes runs past the end of the file";
        }
        if (bytes.getInt(at + 4) != crc(bytes.array(), at + HEADER_BYTES, (int) length)) {
            return "checksum mismatch";
        }
        return null;
    }

    /** Whether an intact record starts at any offset from {@code from}. */
    private static boolean intactRecordAfter(ByteBuffer bytes, int from) {
        // A record's length is not 0, so its header has a non-zero byte: none starts past the last one.
        byte[] array = bytes.array();
        int lastNonZero = bytes.limit() - 1;
        while (lastNonZero >= from && array[lastNonZero] == 0) {
            lastNonZero--;
        }
        for (int at = from; at <= lastNonZero; at++) {
            if (damage(bytes, at) == null) {
                return true;
            }
        }
        return false;
    }

    /** Deletes manifests other than {@code live} and a leftover CURRENT.tmp: what a crash left mid-switch. */
    private static void removeLeftovers(Path dir, FileOps fileOps, long live) throws IOException {
        for (String name : fileOps.list(dir)) {
            OptionalLong other = LsmFiles.parseManifest(name);
            if ((other.isPresent() && other.getAsLong() != live) || name.equals(LsmFiles.temp(LsmFiles.CURRENT))) {
                fileOps.delete(dir.resolve(name));
            }
        }
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    private static void closeQuietly(FileHandle file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // already failing: the first error is the one to report
            }
        }
    }
}
