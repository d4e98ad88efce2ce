package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * File naming in an LSM directory (docs/formats.md, "LSM directory"). Tables and write-ahead logs are
 * named by a 64-bit file number in 16 lower-case hex digits, so names sort in number order; numbers come
 * from one counter ({@link VersionSet#newFileNumber()}) and are never reused. Manifests have their own
 * counter: each rollover writes the next one.
 */
final class LsmFiles {

    static final String SST = ".sst";
    static final String WAL = ".wal";
    static final String MANIFEST_PREFIX = "MANIFEST-";
    /** Names the live manifest: one line, {@code MANIFEST-NNNNNNNNNNNNNNNN\n}. */
    static final String CURRENT = "CURRENT";
    /** Suffix of a file written under a temporary name and renamed into place once complete. */
    static final String TEMP = ".tmp";

    private static final int HEX_DIGITS = 16;

    private LsmFiles() {
    }

    static String sst(long number) {
        return hex(number) + SST;
    }

    static String wal(long number) {
        return hex(number) + WAL;
    }

    static String manifest(long number) {
        return MANIFEST_PREFIX + hex(number);
    }

    /** The temporary name {@code name} is written under before it is renamed into place. */
    static String temp(String name) {
        return name + TEMP;
    }

    static boolean isTemp(String name) {
        return name.endsWith(TEMP);
    }

    /** The number of a table's name, or empty if the name is not one. */
    static OptionalLong parseSst(String name) {
        return name.endsWith(SST) ? parseHex(name, 0, name.length() - SST.length()) : OptionalLong.empty();
    }

    /** The number of a write-ahead log's name, or empty if the name is not one. */
    static OptionalLong parseWal(String name) {
        return name.endsWith(WAL) ? parseHex(name, 0, name.length() - WAL.length()) : OptionalLong.empty();
    }

    /** The numbers of the write-ahead logs in {@code dir}, ascending (unsigned): the order to replay them in. */
    static long[] walNumbers(FileOps fileOps, Path dir) throws IOException {
        return fileOps.list(dir).stream()
                .map(LsmFiles::parseWal)
                .filter(OptionalLong::isPresent)
                .map(OptionalLong::getAsLong)
                .sorted(Long::compareUnsigned)
                .mapToLong(Long::longValue)
                .toArray();
    }

    /** The number of a manifest's name, or empty if the name is not one. */
    static OptionalLong parseManifest(String name) {
        return name.startsWith(MANIFEST_PREFIX)
                ? parseHex(name, MANIFEST_PREFIX.length(), name.length())
                : OptionalLong.empty();
    }

    private static String hex(long number) {
        String digits = Long.toHexString(number);
        return "0".repeat(HEX_DIGITS - digits.length()) + digits;
    }

    /** Exactly 16 lower-case hex digits in {@code name[from, to)}: one spelling per number. */
    private static OptionalLong parseHex(String name, int from, int to) {
        if (to - from != HEX_DIGITS) {
            return OptionalLong.empty();
        }
        for (int i = from; i < to; i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseUnsignedLong(name.substring(from, to), 16));
    }
}
