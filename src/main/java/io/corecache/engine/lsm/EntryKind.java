package io.corecache.engine.lsm;

/** What a stored entry says about its key. The codes are written to disk (docs/formats.md). */
public enum EntryKind {
    /** The key has this value. */
    PUT((byte) 1),
    /** The key was deleted: the tombstone hides every older version until compaction drops them all. */
    DELETE((byte) 2);

    private final byte code;

    EntryKind(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The kind with {@code code}, or null if no kind has it (the caller reports the corruption). */
    public static EntryKind ofCode(byte code) {
        return switch (code) {
            case 1 -> PUT;
            case 2 -> DELETE;
            default -> null;
        };
    }
}
