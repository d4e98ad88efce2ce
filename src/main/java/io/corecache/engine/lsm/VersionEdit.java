package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Limits;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One change to the set of live tables, as the manifest logs it: tables added, tables removed, and new
 * values of the counters. A flush adds a level-0 table and raises {@code logNumber}; a compaction removes
 * its inputs and adds its outputs; the first record of a manifest adds every table and sets every
 * counter (the full state). Moving a table down a level is a removal and an addition of the same number.
 *
 * <p>Encoding (docs/formats.md, "LSM manifest"): a sequence of tagged fields, each a varint tag followed
 * by its body; numbers are unsigned LEB128 varints (7 bits a byte, low group first, high bit = more), so
 * small numbers take one byte. The decoder rejects an unknown tag, a counter given twice, a varint longer
 * than 64 bits, a length past the end and any impossible table as corruption.
 *
 * @param added           tables added, each at its own level
 * @param removed         tables removed, by level and number
 * @param nextFileNumber  the lowest file number never handed out, if changed
 * @param lastSequence    the highest entry sequence in the tables, if changed
 * @param logNumber       write-ahead logs numbered below it are obsolete (their data is in tables), if changed
 * @param appliedRevision the highest caller revision in the tables, if changed
 */
record VersionEdit(List<TableFile> added, List<RemovedTable> removed, OptionalLong nextFileNumber,
                   OptionalLong lastSequence, OptionalLong logNumber, OptionalLong appliedRevision) {

    /** A table the edit removes. */
    record RemovedTable(int level, long number) {
        RemovedTable {
            TableFile.checkLevel(level);
        }
    }

    // Tags: written to disk, never reuse one.
    static final int TAG_LOG_NUMBER = 1;
    static final int TAG_NEXT_FILE_NUMBER = 2;
    static final int TAG_LAST_SEQUENCE = 3;
    static final int TAG_APPLIED_REVISION = 4;
    static final int TAG_REMOVED_TABLE = 5;
    static final int TAG_ADDED_TABLE = 6;

    /** The longest varint: 64 bits in 7-bit groups. */
    private static final int MAX_VARINT_BYTES = 10;

    VersionEdit {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        Objects.requireNonNull(nextFileNumber);
        Objects.requireNonNull(lastSequence);
        Objects.requireNonNull(logNumber);
        Objects.requireNonNull(appliedRevision);
    }

    static Builder builder() {
        return new Builder();
    }

    /** This edit with {@code nextFileNumber} set to {@code number}. */
    VersionEdit withNextFileNumber(long number) {
        return new VersionEdit(added, removed, OptionalLong.of(number), lastSequence, logNumber, appliedRevision);
    }

    /** Builds an edit; every setter returns the builder. */
    static final class Builder {
        private final List<TableFile> added = new ArrayList<>();
        private final List<RemovedTable> removed = new ArrayList<>();
        private OptionalLong nextFileNumber = OptionalLong.empty();
        private OptionalLong lastSequence = OptionalLong.empty();
        private OptionalLong logNumber = OptionalLong.empty();
        private OptionalLong appliedRevision = OptionalLong.empty();

        Builder addTable(TableFile table) {
            added.add(Objects.requireNonNull(table));
            return this;
        }

        Builder removeTable(int level, long number) {
            removed.add(new RemovedTable(level, number));
            return this;
        }

        Builder nextFileNumber(long number) {
            nextFileNumber = OptionalLong.of(number);
            return this;
        }

        Builder lastSequence(long sequence) {
            lastSequence = OptionalLong.of(sequence);
            return this;
        }

        Builder logNumber(long number) {
            logNumber = OptionalLong.of(number);
            return this;
        }

        Builder appliedRevision(long revision) {
            appliedRevision = OptionalLong.of(revision);
            return this;
        }

        VersionEdit build() {
            return new VersionEdit(added, removed, nextFileNumber, lastSequence, logNumber, appliedRevision);
        }
    }

    // ------------------------------------------------------------------------------------------- encoding

    /** The edit's bytes: counters first, then removals, then additions. */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + added.size() * 64);
        putCounter(out, TAG_LOG_NUMBER, logNumber);
        putCounter(out, TAG_NEXT_FILE_NUMBER, nextFileNumber);
        putCounter(out, TAG_LAST_SEQUENCE, lastSequence);
        putCounter(out, TAG_APPLIED_REVISION, appliedRevision);
        for (RemovedTable table : removed) {
            putVarint(out, TAG_REMOVED_TABLE);
            putVarint(out, table.level());
            putVarint(out, table.number());
        }
        for (TableFile table : added) {
            putVarint(out, TAG_ADDED_TABLE);
            putVarint(out, table.level());
            putVarint(out, table.number());
            putVarint(out, table.fileSize());
            putVarint(out, table.entries());
            putVarint(out, table.minSequence());
            putVarint(out, table.maxSequence());
            putVarint(out, table.smallest().length);
            out.writeBytes(table.smallest());
            putVarint(out, table.largest().length);
            out.writeBytes(table.largest());
        }
        return out.toByteArray();
    }

    private static void putCounter(ByteArrayOutputStream out, int tag, OptionalLong value) {
        if (value.isPresent()) {
            putVarint(out, tag);
            putVarint(out, value.getAsLong());
        }
    }

    /** Unsigned LEB128: a negative value takes all ten bytes and decodes back to itself. */
    private static void putVarint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    /**
     * Decodes the edit in {@code payload}'s remaining bytes (which must already have passed their
     * checksum). {@code fileOffset} is where the payload starts in {@code file}, so an error names the
     * byte offset of the bad field.
     */
    static VersionEdit decode(ByteBuffer payload, Path file, long fileOffset) {
        return new Decoder(payload.slice(), file, fileOffset).edit();
    }

    /** Reads one payload; every failure is a {@link CorruptionException} at the field where it was found. */
    private static final class Decoder {
        private final ByteBuffer in;
        private final Path file;
        private final long fileOffset;
        private int fieldStart;

        Decoder(ByteBuffer in, Path file, long fileOffset) {
            this.in = in;
            this.file = file;
            this.fileOffset = fileOffset;
        }

        VersionEdit edit() {
            Builder edit = builder();
            boolean[] seen = new boolean[TAG_APPLIED_REVISION + 1];
            while (in.hasRemaining()) {
                fieldStart = in.position();
                long tag = varint("tag");
                if (tag >= TAG_LOG_NUMBER && tag <= TAG_APPLIED_REVISION) {
                    if (seen[(int) tag]) {
                        throw corrupt("field tag " + tag + " given twice");
                    }
                    seen[(int) tag] = true;
                }
                if (tag == TAG_LOG_NUMBER) {
                    edit.logNumber(varint("log number"));
                } else if (tag == TAG_NEXT_FILE_NUMBER) {
                    edit.nextFileNumber(varint("next file number"));
                } else if (tag == TAG_LAST_SEQUENCE) {
                    edit.lastSequence(varint("last sequence"));
                } else if (tag == TAG_APPLIED_REVISION) {
                    edit.appliedRevision(varint("applied revision"));
                } else if (tag == TAG_REMOVED_TABLE) {
                    int level = level();
                    edit.removeTable(level, varint("table number"));
                } else if (tag == TAG_ADDED_TABLE) {
                    edit.addTable(table());
                } else {
                    throw corrupt("unknown field tag " + tag);
                }
            }
            return edit.build();
        }

        private TableFile table() {
            int level = level();
            long number = varint("table number");
            long fileSize = varint("table size");
            long entries = varint("entry count");
            long minSequence = varint("min sequence");
            long maxSequence = varint("max sequence");
            byte[] smallest = key("smallest key");
            byte[] largest = key("largest key");
            try {
                return new TableFile(number, level, fileSize, smallest, largest, minSequence, maxSequence, entries);
            } catch (IllegalArgumentException e) {
                throw corrupt("impossible table: " + e.getMessage());
            }
        }

        private int level() {
            long level = varint("level");
            if (level < 0 || level >= Version.LEVELS) {
                throw corrupt("level " + Long.toUnsignedString(level) + " is not 0.." + (Version.LEVELS - 1));
            }
            return (int) level;
        }

        private byte[] key(String what) {
            long length = varint(what + " length");
            if (length < 1 || length > Limits.HARD_MAX_KEY_BYTES) {
                throw corrupt(what + " length " + Long.toUnsignedString(length) + " is not 1.." + Limits.HARD_MAX_KEY_BYTES);
            }
            if (length > in.remaining()) {
                throw corrupt(what + " of " + length + " bytes runs past the end of the edit");
            }
            byte[] key = new byte[(int) length];
            in.get(key);
            return key;
        }

        private long varint(String what) {
            long value = 0;
            for (int i = 0; i < MAX_VARINT_BYTES; i++) {
                if (!in.hasRemaining()) {
                    throw corrupt(what + " runs past the end of the edit");
                }
                int b = in.get() & 0xFF;
                if (i == MAX_VARINT_BYTES - 1 && b > 1) {
                    throw corrupt(what + " does not fit in 64 bits");
                }
                value |= (long) (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw corrupt(what + " does not fit in 64 bits");
        }

        private CorruptionException corrupt(String reason) {
            return new CorruptionException(file, fileOffset + fieldStart, "bad manifest edit: " + reason);
        }
    }
}
