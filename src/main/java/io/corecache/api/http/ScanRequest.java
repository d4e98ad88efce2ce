package io.corecache.api.http;

import io.corecache.cluster.ScanMerger;
import io.corecache.engine.Bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of {@code GET /v1/kv}, checked: the key range ({@code start}, {@code end}, {@code prefix},
 * {@code cursor}), {@code limit}, {@code keys_only} and {@code encoding}. Any bad parameter is a 400 that
 * names it.
 *
 * <p>A cursor is {@code "1." + base64url(last key returned)}: the next page starts just after that key. It
 * holds no server state, so it never expires; the version prefix lets its form change later.
 */
record ScanRequest(byte[] start, byte[] end, int limit, boolean limited, boolean keysOnly, boolean base64) {

    private static final String CURSOR_VERSION = "1.";

    static ScanRequest parse(Map<String, String> query, int defaultLimit, int maxLimit, boolean streaming) {
        boolean base64 = encoding(query.get("encoding"));
        byte[] start = key(query, "start", base64);
        byte[] end = key(query, "end", base64);
        byte[] prefix = key(query, "prefix", base64);
        if (prefix != null) {
            start = start == null || Bytes.compare(start, prefix) < 0 ? prefix : start;
            byte[] prefixEnd = Bytes.prefixEnd(prefix);
            if (prefixEnd != null && (end == null || Bytes.compare(prefixEnd, end) < 0)) {
                end = prefixEnd;
            }
        }
        String cursor = query.get("cursor");
        if (cursor != null) {
            byte[] after = ScanMerger.successor(decodeCursor(cursor));
            start = start == null || Bytes.compare(start, after) < 0 ? after : start;
        }
        Optional<Integer> limit = limit(query.get("limit"), maxLimit, streaming);
        return new ScanRequest(start, end, limit.orElse(streaming ? Integer.MAX_VALUE : defaultLimit),
                limit.isPresent() || !streaming, flag(query.get("keys_only"), "keys_only"), base64);
    }

    /** True when the range holds no key at all (start at or past end): answered without asking anyone. */
    boolean empty() {
        return end != null && start != null && Bytes.compare(start, end) >= 0;
    }

    static String cursorAfter(byte[] lastKey) {
        return CURSOR_VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey);
    }

    private static byte[] decodeCursor(String cursor) {
        if (cursor.startsWith(CURSOR_VERSION)) {
            try {
                byte[] key = Base64.getUrlDecoder().decode(cursor.substring(CURSOR_VERSION.length()));
                if (key.length > 0) {
                    return key;
                }
            } catch (IllegalArgumentException ignored) {
                // answered below
            }
        }
        throw ApiError.badRequest("bad_cursor", "cursor '" + cursor + "' is not one this server returned");
    }

    private static boolean encoding(String value) {
        if (value == null || value.equals("utf8") || value.equals("utf-8")) {
            return false;
        }
        if (value.equals("base64")) {
            return true;
        }
        throw ApiError.badRequest("bad_parameter", "encoding must be utf8 or base64, got '" + value + "'");
    }

    private static byte[] key(Map<String, String> query, String name, boolean base64) {
        String value = query.get(name);
        if (value == null || (value.isEmpty() && !name.equals("prefix"))) {
            return null;
        }
        return base64 ? KeyCodec.fromBase64(name, value) : value.getBytes(StandardCharsets.UTF_8);
    }

    private static Optional<Integer> limit(String value, int maxLimit, boolean streaming) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && (streaming || limit <= maxLimit)) {
                return Optional.of(limit);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("bad_parameter", "limit must be a whole number from 1 to " + maxLimit
                + ", got '" + value + "'");
    }

    private static boolean flag(String value, String name) {
        if (value == null || value.equals("false") || value.equals("0")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true") || value.equals("1")) {
            return true;
        }
        throw ApiError.badRequest("bad_parameter", name + " must be true or false, got '" + value + "'");
    }
}
