package io.corecache.api.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Keys from raw request targets. The server's parser already refuses most malformed targets (see
 * {@link KvWireTest}); these checks are what stands behind it, for targets that reach the route some other
 * way (the route testkit, a different server setting), so a bad escape is still a 400, never a wrong key.
 */
class KeyCodecTest {

    private static byte[] key(String target) {
        return KeyCodec.keyInTarget(target, "v1", "kv");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void percentEscapesDecodeToBytesInEitherCase() {
        assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0xAB, '/'}, KeyCodec.percentDecode("%00%FF%ab%2f"));
        assertArrayEquals(utf8("a b+c"), KeyCodec.percentDecode("a%20b+c"));
        assertArrayEquals(new byte[0], KeyCodec.percentDecode(""));
    }

    @Test
    void charactersOutsideAsciiStandForTheirUtf8BytesSurrogatePairsIncluded() {
        assertArrayEquals(utf8("\u00e9"), KeyCodec.percentDecode("\u00e9"));
        assertArrayEquals(utf8("\uD83D\uDE00"), KeyCodec.percentDecode("\uD83D\uDE00"));
        assertArrayEquals(utf8("a\uD83D\uDE00b"), KeyCodec.percentDecode("a\uD83D\uDE00b"));
    }

    @Test
    void aBadEscapeIsA400BadKey() {
        // Fullwidth and Arabic-Indic digits are digits to Character.digit, but not hexadecimal digits of a URI.
        for (String bad : List.of("%", "%4", "a%", "%zz", "%G0", "%0G", "%\uFF11\uFF11", "%\u0661\u0661", "%%41")) {
            ApiError error = assertThrows(ApiError.class, () -> KeyCodec.percentDecode(bad), bad);
            assertEquals(400, error.status().intValue());
            assertEquals("bad_key", error.code());
        }
    }

    @Test
    void theKeyIsEverythingAfterTheThirdSlashOfThePath() {
        assertArrayEquals(utf8("k"), key("/v1/kv/k"));
        assertArrayEquals(utf8("a/b"), key("/v1/kv/a/b"));
        assertArrayEquals(utf8("a/b"), key("/v1/kv/a%2Fb"));
        assertArrayEquals(utf8("/x/"), key("/v1/kv//x/"));
        assertArrayEquals(new byte[0], key("/v1/kv/"));
        assertArrayEquals(new byte[0], key("/v1/kv/?ttl=5"));
        assertArrayEquals(utf8("k"), key("/v1/kv/k?ttl=5&x=/v1/kv/other"));
        assertArrayEquals(utf8("k"), key("http://localhost:8080/v1/kv/k?ttl=5"));
        assertArrayEquals(utf8("k"), key("/v1/%6Bv/k"), "an encoded prefix still names the route");
        assertArrayEquals(utf8("../k"), key("/v1/kv/../k"), "dot segments after the prefix are key bytes");
    }

    @Test
    void aTargetWhoseRawPathIsNotTheRouteIsA400() {
        for (String target : List.of("/v1/x/../kv/k", "/v1/kv", "/", "", "/v1", "/v2/kv/k", "/v1/kvx/k",
                "http://host", "//v1/kv/k")) {
            ApiError error = assertThrows(ApiError.class, () -> key(target), target);
            assertEquals("bad_key", error.code(), target);
        }
    }

    @Test
    void utf8OrNullTellsTextFromBinary() {
        assertEquals("\u00e9t\u00e9", KeyCodec.utf8OrNull(utf8("\u00e9t\u00e9")));
        assertNull(KeyCodec.utf8OrNull(new byte[] {(byte) 0xFF}));
        assertNull(KeyCodec.utf8OrNull(new byte[] {(byte) 0xC3}));
    }
}
