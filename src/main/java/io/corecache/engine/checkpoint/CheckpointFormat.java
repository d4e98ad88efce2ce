package io.corecache.engine.checkpoint;

/**
 * Constants of the checkpoint stream (docs/formats.md, "Checkpoint stream").
 *
 * <pre>
 * header : magic "CCCHKPT1" (8 bytes)
 * entry  : tag 0x01 | crc32c u32 | length u32 | body
 *          body = keyLen u16 | key | valueLen u32 | value | createTime i64 | writeTime i64
 *                 | revision i64 | expiresAt i64
 * footer : tag 0xFF | crc32c u32 | entryCount u64 | revision i64   (crc covers count and revision)
 * </pre>
 * All integers are big-endian. A stream without its footer is incomplete and is rejected.
 */
final class CheckpointFormat {

    static final byte[] MAGIC = {'C', 'C', 'C', 'H', 'K', 'P', 'T', '1'};
    static final int TAG_ENTRY = 0x01;
    static final int TAG_FOOTER = 0xFF;
    static final int ENTRY_FIXED_BYTES = 2 + 4 + 8 * 4;

    private CheckpointFormat() {
    }
}
