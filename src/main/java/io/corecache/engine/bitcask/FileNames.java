package io.corecache.engine.bitcask;

import java.util.OptionalLong;

/**
 * File naming in a Bitcask directory (docs/formats.md). A data file's id orders it: the high 48 bits are
 * its generation, the low 16 bits 0 for files the writer made and 1, 2, ... for the outputs of a merge of
 * files up to that generation. Recovery replays files in id order, so a merge's outputs come after the
 * files they replace and before anything written since.
 */
final class FileNames {

    static final String DATA = ".data";
    static final String HINT = ".hint";
    /** Suffix of a merge output not yet complete; such files are deleted on open. */
    static final String MERGING = ".merging";
    /** Present while a checkpoint is being restored; on open it means "discard everything". */
    static final String RESTORING = "RESTORING";
    static final String FORMAT = "FORMAT";
    static final String FORMAT_TEXT = "corecache-bitcask 1\n";

    private FileNames() {
    }

    static long id(long generation, int mergeSequence) {
        return (generation << 16) | mergeSequence;
    }

    static long generation(long id) {
        return id >>> 16;
    }

    static int mergeSequence(long id) {
        return (int) (id & 0xFFFF);
    }

    static String data(long id) {
        return String.format("%016x", id) + DATA;
    }

    static String hint(long id) {
        return String.format("%016x", id) + HINT;
    }

    /** The id of a data file's name, or empty if the name is not one. */
    static OptionalLong parseData(String name) {
        if (!name.endsWith(DATA) || name.length() != 16 + DATA.length()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(name.substring(0, 16), 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
