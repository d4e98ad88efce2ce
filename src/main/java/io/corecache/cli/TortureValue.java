package io.corecache.cli;

import io.corecache.engine.Versioned;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value a torture write stores: it names the write that produced it, so any value read back can be
 * traced to exactly one logged write, and it checks itself, so a value that is not byte-for-byte what was
 * written is recognised as corrupt even if the engine's own checksum let it through.
 *
 * <pre>
 * torture t=3 k=17 g=2 s=123 r=4567 p=1800\n   then p padding bytes
 * </pre>
 *
 * {@code t}, {@code k}: the key it belongs to; {@code g}, {@code s}: the writer generation and the thread's
 * sequence number, which together name the write; {@code r}: the revision it was written with. The padding
 * length and bytes are a pure function of those fields: values vary in size (so files fill and roll over),
 * yet the verifier can recompute the whole value from the ack log alone.
 */
record TortureValue(TortureKey key, int generation, long seq, long revision) {

    static final int MAX_PADDING = 4096;
    private static final String MAGIC = "torture";

    /** The write that stored this value. Two values of one key are the same write iff their ids are equal. */
    WriteId id() {
        return new WriteId(generation, seq);
    }

    byte[] bytes() {
        long seed = seed();
        int padding = (int) Long.remainderUnsigned(mix(seed), MAX_PADDING + 1);
        byte[] header = (MAGIC + " t=" + key.thread() + " k=" + key.n() + " g=" + generation + " s=" + seq
                + " r=" + revision + " p=" + padding + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] value = Arrays.copyOf(header, header.length + padding);
        long state = seed;
        for (int i = header.length; i < value.length; i++) {
            if ((i - header.length) % 8 == 0) {
                state = mix(state);
            }
            value[i] = (byte) (state >>> (8 * ((i - header.length) % 8)));
        }
        return value;
    }

    /**
     * The write these bytes claim to come from, after checking they are exactly the bytes that write
     * stores.
     *
     * @throws IllegalArgumentException saying what is wrong, if they are not
     */
    static TortureValue parse(byte[] value) {
        int newline = indexOf(value, (byte) '\n');
        if (newline < 0 || newline > 200) {
            throw new IllegalArgumentException("no torture header in " + value.length + " bytes");
        }
        String[] fields = new String(value, 0, newline, StandardCharsets.US_ASCII).split(" ");
        if (fields.length != 7 || !fields[0].equals(MAGIC)) {
            throw new IllegalArgumentException("malformed header '" + printable(value, newline) + "'");
        }
        TortureValue parsed;
        try {
            parsed = new TortureValue(
                    new TortureKey(Integer.parseInt(field(fields[1], "t")), Integer.parseInt(field(fields[2], "k"))),
                    Integer.parseInt(field(fields[3], "g")), Long.parseLong(field(fields[4], "s")),
                    Long.parseLong(field(fields[5], "r")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed header '" + printable(value, newline) + "'");
        }
        if (!Arrays.equals(parsed.bytes(), value)) {
            throw new IllegalArgumentException("the " + value.length + " bytes are not what write " + parsed.id()
                    + " stored (header '" + printable(value, newline) + "')");
        }
        return parsed;
    }

    /**
     * Why {@code version}, read under {@code key}, is not a value a torture write stored there, or null if
     * it is one: the bytes must be exactly a write's value, that write must be for this key, and the version's
     * revision must be the write's (torture writes never expire).
     */
    static String check(TortureKey key, Versioned version) {
        TortureValue value;
        try {
            value = parse(version.value());
        } catch (IllegalArgumentException e) {
            return "unreadable value: " + e.getMessage();
        }
        if (!value.key().equals(key)) {
            return "holds the value write " + value.id() + " stored under " + value.key();
        }
        if (value.revision() != version.revision()) {
            return "value of write " + value.id() + " was written with revision " + value.revision()
                    + " but is served with revision " + version.revision();
        }
        if (version.expiresAt() != Versioned.NO_EXPIRY) {
            return "value of write " + value.id() + " was written without expiry but is served expiring at "
                    + version.expiresAt();
        }
        return null;
    }

    private static String field(String text, String name) {
        if (!text.startsWith(name + "=")) {
            throw new NumberFormatException(text);
        }
        return text.substring(name.length() + 1);
    }

    private long seed() {
        return mix(mix(mix(mix(key.thread()) ^ key.n()) ^ generation) ^ seq) ^ revision;
    }

    /** SplitMix64's finaliser: spreads every input bit over the output, so nearby ids get unrelated padding. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(bytes[i] >= 0x20 && bytes[i] < 0x7F ? (char) bytes[i] : '?');
        }
        return out.toString();
    }
}
