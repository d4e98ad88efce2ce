package io.corecache.engine.bitcask;

/**
 * Where the current record of a key lives, when the key was created (so an overwrite keeps it), and
 * whether the record has an expiry (only then does an overwrite read the old record to see if it expired).
 */
record Location(int file, int offset, int size, long createTime, boolean expires) {

    /** The size as packed in the key directory and hint files: the sign bit says "expires". */
    int packedSize() {
        return expires ? size | Integer.MIN_VALUE : size;
    }

    static Location unpack(int file, int offset, int packedSize, long createTime) {
        return new Location(file, offset, packedSize & Integer.MAX_VALUE, createTime, packedSize < 0);
    }

    boolean sameRecord(Location other) {
        return other != null && file == other.file && offset == other.offset;
    }
}
