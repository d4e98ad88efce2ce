package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Bitcask store's {@code POST /} body: one entry a line, {@code K,V} or {@code key:K,value:V}. The key
 * ends at the first comma and the value is the rest of the line (the seed cut the value at a second comma;
 * CoreCache keeps it whole, so values may hold commas). Lines end with LF or CRLF; blank lines are skipped.
 * Unlike the seed, which skipped a line it could not read and applied the others, a line that is neither
 * form refuses the whole body, so a typo never half-applies a batch.
 */
final class SeedBitcaskLines {

    /** The most lines one body may hold; a bigger batch is sent in parts. */
    static final int MAX_LINES = 10_000;

    private static final byte[] KEY_PREFIX = "key:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUE_PREFIX = "value:".getBytes(StandardCharsets.US_ASCII);

    private SeedBitcaskLines() {
    }

    /** The non-blank lines of the body, each without its line ending. */
    static List<byte[]> lines(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (end > start) {
                    lines.add(Arrays.copyOfRange(body, start, end));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /** The entries of the lines, in order, every key and value checked against the store's limits. */
    static List<SeedStore.Entry> entries(List<byte[]> lines, SeedStore store) {
        if (lines.size() > MAX_LINES) {
            throw ApiError.badRequest("too_many_lines", "the body has " + lines.size() + " lines; the limit is "
                    + MAX_LINES + " (send a bigger batch in parts)");
        }
        List<SeedStore.Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            SeedStore.Entry entry = entry(lines.get(i), i + 1);
            String keyProblem = store.keyProblem(entry.key());
            if (keyProblem != null) {
                throw ApiError.badRequest("bad_key", "line " + (i + 1) + ": " + keyProblem);
            }
            if (store.valueTooLarge(entry.value().length)) {
                throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large",
                        "line " + (i + 1) + ": " + store.valueTooLargeMessage(entry.value().length));
            }
            entries.add(entry);
        }
        return entries;
    }

    private static SeedStore.Entry entry(byte[] line, int number) {
        int comma = indexOf(line, (byte) ',');
        if (comma < 0) {
            throw ApiError.badRequest("bad_line", "line " + number + " is neither K,V nor key:K,value:V");
        }
        if (!startsWith(line, 0, KEY_PREFIX)) {
            return new SeedStore.Entry(Arrays.copyOfRange(line, 0, comma),
                    Arrays.copyOfRange(line, comma + 1, line.length));
        }
        if (!startsWith(line, comma + 1, VALUE_PREFIX)) {
            throw ApiError.badRequest("bad_line",
                    "line " + number + " starts with key: but has no ,value: after the key");
        }
        return new SeedStore.Entry(Arrays.copyOfRange(line, KEY_PREFIX.length, comma),
                Arrays.copyOfRange(line, comma + 1 + VALUE_PREFIX.length, line.length));
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
        return bytes.length - from >= prefix.length
                && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }
}
