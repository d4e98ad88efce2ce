package io.corecache.api.http.seed;

import io.corecache.api.http.seed.SeedRangeScan.Shape;
import io.corecache.api.http.seed.SeedRangeScan.Window;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.ScanMerger;
import io.corecache.engine.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Bitcask store's {@code GET /?start_key=A&end_key=B}: every key from A to B, both included, answered
 * as {@code Value: [KV { key: 1, value: "2000" }, ...]} (Rust's debug format of the seed's list of entries).
 *
 * <p>The seed's keys were unsigned integers and its ranges numeric, so when A and B are both plain decimal
 * integers (no sign, no leading zero) the range is numeric: it holds the keys that are such integers between
 * A and B, in numeric order ({@code 1..10} holds 2 but not 10000). Otherwise the range is textual: every key
 * between A and B in unsigned byte order. The answer holds at most {@code limit} entries and about
 * {@link #maxValueBytes} of values; when it is cut short the response says so in {@code X-Truncated: true}
 * and names the first key left out in {@code X-Next-Start-Key} (percent-encoded), where a next request can
 * start.
 */
final class SeedBitcaskRange {

    /** The answer: its entries in order, and the first key left out when it was cut short (else null). */
    record Answer(List<SeedStore.Entry> entries, byte[] nextKey) {
    }

    /** Values fetched at once while the answer is assembled; bounds the memory of a range of large values. */
    private static final int FETCH_CHUNK = 32;
    private static final int MAX_DIGITS = 20;

    private final SeedStore store;
    private final SeedRangeScan scan;
    private final long maxValueBytes;

    SeedBitcaskRange(SeedStore store, SeedRangeScan scan, long maxValueBytes) {
        this.store = store;
        this.scan = scan;
        this.maxValueBytes = maxValueBytes;
    }

    /** Whether the bounds make the range numeric. */
    static boolean numeric(String start, String end) {
        return canonical(start) && canonical(end);
    }

    CompletionStage<Answer> read(String start, String end, int limit) {
        List<Window> windows = numeric(start, end) ? numericWindows(start, end) : textWindows(start, end);
        return scan.keys(windows, limit + 1).thenCompose(keys -> {
            byte[] overLimit = keys.size() > limit ? keys.get(limit) : null;
            List<byte[]> wanted = keys.size() > limit ? keys.subList(0, limit) : keys;
            return values(wanted, 0, new ArrayList<>(), 0)
                    .thenApply(answer -> answer.nextKey() == null ? new Answer(answer.entries(), overLimit) : answer);
        });
    }

    /** Fetches values a chunk at a time, in order, until the keys or the byte budget run out. */
    private CompletionStage<Answer> values(List<byte[]> keys, int from, List<SeedStore.Entry> entries, long bytes) {
        if (from >= keys.size()) {
            return CompletableFuture.completedFuture(new Answer(entries, null));
        }
        List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + FETCH_CHUNK));
        List<CompletableFuture<Optional<StoredValue>>> gets = new ArrayList<>(chunk.size());
        for (byte[] key : chunk) {
            gets.add(store.get(key).toCompletableFuture());
        }
        return CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)).thenCompose(unused -> {
            long total = bytes;
            for (int i = 0; i < chunk.size(); i++) {
                Optional<StoredValue> value = gets.get(i).join();
                if (value.isEmpty()) {
                    continue; // deleted since the scan saw it
                }
                total += value.get().value().length;
                if (total > maxValueBytes && !entries.isEmpty()) {
                    return CompletableFuture.completedFuture(new Answer(entries, chunk.get(i)));
                }
                entries.add(new SeedStore.Entry(chunk.get(i), value.get().value()));
            }
            return values(keys, from + chunk.size(), entries, total);
        });
    }

    /** The answer's body: Rust's {@code {:?}} of a {@code Vec<KV>} after {@code Value: }. */
    static String format(List<SeedStore.Entry> entries) {
        StringBuilder out = new StringBuilder("Value: [");
        for (int i = 0; i < entries.size(); i++) {
            SeedStore.Entry entry = entries.get(i);
            String key = new String(entry.key(), StandardCharsets.UTF_8);
            out.append(i == 0 ? "" : ", ").append("KV { key: ");
            // The seed's keys were integers, printed bare; any other key is printed as Rust prints a string.
            if (canonical(key)) {
                out.append(key);
            } else {
                debugString(out, key);
            }
            out.append(", value: ");
            debugString(out, new String(entry.value(), StandardCharsets.UTF_8));
            out.append(" }");
        }
        return out.append(']').toString();
    }

    /** One window per digit count, each holding only integers of that many digits. */
    private static List<Window> numericWindows(String start, String end) {
        List<Window> windows = new ArrayList<>();
        if (compareNumbers(start, end) > 0) {
            return windows;
        }
        for (int digits = start.length(); digits <= end.length(); digits++) {
            String lo = digits == start.length() ? start : "1" + "0".repeat(digits - 1);
            String hi = digits == end.length() ? end : "9".repeat(digits);
            windows.add(new Window(ascii(lo), ScanMerger.successor(ascii(hi)), new Digits(digits)));
        }
        return windows;
    }

    private static List<Window> textWindows(String start, String end) {
        byte[] from = start.getBytes(StandardCharsets.UTF_8);
        byte[] to = end.getBytes(StandardCharsets.UTF_8);
        return Bytes.compare(from, to) > 0 ? List.of()
                : List.of(new Window(from, ScanMerger.successor(to), SeedRangeScan.ALL));
    }

    /**
     * Keys that are integers of exactly {@code digits} digits. In byte order such keys are interleaved with
     * longer keys sharing their first digits ("15" is followed by "150".."159999"...); after a page that ends
     * inside such a run, the next page starts past the run rather than reading it.
     */
    record Digits(int digits) implements Shape {
        @Override
        public boolean wanted(byte[] key) {
            return key.length == digits && allDigits(key, digits) && (digits == 1 || key[0] != '0');
        }

        @Override
        public byte[] resumeAfter(byte[] lastKey) {
            if (lastKey.length > digits && allDigits(lastKey, digits)) {
                // The least string after every string that starts with these digits; the only wanted key of
                // the run, the digits themselves, sorts before lastKey and has been seen.
                byte[] past = Arrays.copyOf(lastKey, digits);
                past[digits - 1]++;
                return past;
            }
            return ScanMerger.successor(lastKey);
        }
    }

    /** A plain decimal integer: 1 to 20 digits, no sign, no leading zero (but "0" itself). */
    static boolean canonical(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS || (text.length() > 1 && text.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int compareNumbers(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private static boolean allDigits(byte[] key, int count) {
        for (int i = 0; i < count; i++) {
            if (key[i] < '0' || key[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String digits) {
        return digits.getBytes(StandardCharsets.US_ASCII);
    }

    /** Rust's {@code {:?}} of a string: quoted, with \\, \", \t, \r, \n, \0 and other controls escaped. */
    private static void debugString(StringBuilder out, String text) {
        out.append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case 0 -> out.append("\\0");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append("\\u{").append(Integer.toHexString(c)).append('}');
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        out.append('"');
    }
}
