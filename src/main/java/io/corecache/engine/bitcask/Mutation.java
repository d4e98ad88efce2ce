package io.corecache.engine.bitcask;

/**
 * One record to append: a put ({@code value} non-null), a delete, or a META record ({@code key} null).
 * A restore passes the original times; ordinary writes pass {@link #NOW}, and the writer fills them in.
 */
record Mutation(byte[] key, byte[] value, long expiresAt, long revision, long createTime, long writeTime) {

    static final long NOW = -1;

    static Mutation put(byte[] key, byte[] value, long expiresAt, long revision) {
        return new Mutation(key, value, expiresAt, revision, NOW, NOW);
    }

    static Mutation delete(byte[] key, long revision) {
        return new Mutation(key, null, 0, revision, NOW, NOW);
    }

    static Mutation meta(long revision) {
        return new Mutation(null, null, 0, revision, NOW, NOW);
    }

    boolean isMeta() {
        return key == null;
    }

    boolean isDelete() {
        return key != null && value == null;
    }

    int recordSize() {
        return RecordFormat.size(key == null ? 0 : key.length, value == null ? 0 : value.length);
    }
}
