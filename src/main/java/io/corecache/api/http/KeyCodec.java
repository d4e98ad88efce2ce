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
final class KeyCodec {

    private KeyCodec() {
    }

    /** Percent-decodes {@code raw} to bytes; characters other than escapes stand for their UTF-8 bytes. */
    static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw ApiError.badRequest("bad_key", "the key's percent-encoding is cut short at character " + i);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ApiError.badRequest("bad_key", "'" + raw.substring(i, i + 3)
                            + "' is not a percent-encoded byte (at character " + i + ")");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        return out.toByteArray();
    }

    /** The bytes as a string if they are valid UTF-8, else null. */
    static String utf8OrNull(byte[] bytes) {
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

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Decodes standard or URL-safe base64; a parameter that is neither is a 400 naming it. */
    static byte[] fromBase64(String parameter, String text) {
        try {
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("bad_parameter", parameter + " is not valid base64");
        }
    }
}
