package io.corecache.api.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Keys and values between bytes and text: percent-decoding of a raw request path (so any byte string can be
 * a key), and the UTF-8-or-base64 choice of JSON output.
 */
public final class KeyCodec {

    private KeyCodec() {
    }

    /**
     * The key of a raw request target {@code /<first>/<second>/<key>[?query]} (origin or absolute form):
     * everything after the path's third '/', percent-decoded to bytes. '/' in a key may be sent raw or as
     * {@code %2F}; both give the same key.
     *
     * <p>The route matched the decoded, dot-segment-normalised path, so the two leading segments are checked
     * again here in raw form: a target that reached the route only through normalisation (such as
     * {@code /v1/x/../kv/k}) has no well-defined key and is refused rather than guessed at.
     */
    public static byte[] keyInTarget(String target, String first, String second) {
        String path = target;
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            int slash = scheme < 0 ? -1 : path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int secondSlash = path.indexOf('/', 1);
        int thirdSlash = secondSlash < 0 ? -1 : path.indexOf('/', secondSlash + 1);
        if (thirdSlash < 0 || !segmentIs(path.substring(1, secondSlash), first)
                || !segmentIs(path.substring(secondSlash + 1, thirdSlash), second)) {
            throw ApiError.badRequest("bad_key", "the path must be /" + first + "/" + second
                    + "/{key} as sent, without '.' or '..' segments before the key");
        }
        return percentDecode(path.substring(thirdSlash + 1));
    }

    private static boolean segmentIs(String raw, String expected) {
        return new String(percentDecode(raw), StandardCharsets.UTF_8).equals(expected);
    }

    /**
     * Percent-decodes {@code raw} to bytes; other characters stand for their UTF-8 bytes. A '%' not followed by
     * two hexadecimal digits (ASCII only) is a 400 {@code bad_key}.
     */
    public static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? hexDigit(raw.charAt(i + 1)) : -1;
                int lo = i + 2 < raw.length() ? hexDigit(raw.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    throw ApiError.badRequest("bad_key", "'" + raw.substring(i, Math.min(i + 3, raw.length()))
                            + "' at character " + i + " of the key is not a percent-encoded byte (%XX)");
                }
                out.write(hi << 4 | lo);
                i += 3;
            } else if (c < 0x80) {
                out.write(c);
                i++;
            } else {
                // A whole code point, so a character outside the BMP (a surrogate pair) keeps its 4 UTF-8 bytes.
                byte[] utf8 = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
                i += Character.charCount(c);
            }
        }
        return out.toByteArray();
    }

    /** 0..15 for an ASCII hexadecimal digit, else -1 (Character.digit would also accept other scripts' digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The bytes as a string if they are valid UTF-8, else null. */
    public static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Decodes standard or URL-safe base64; a parameter that is neither is a 400 naming it. */
    public static byte[] fromBase64(String parameter, String text) {
        try {
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("bad_parameter", parameter + " is not valid base64");
        }
    }
}
