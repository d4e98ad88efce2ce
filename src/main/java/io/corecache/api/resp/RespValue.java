package io.corecache.api.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** A RESP2 reply, before encoding: what every command handler answers. */
public sealed interface RespValue {

    RespValue OK = new Simple("OK");
    RespValue PONG = new Simple("PONG");
    RespValue NIL = new Bulk(null);
    RespValue NIL_ARRAY = new Array(null);
    RespValue ZERO = new Integer(0);
    RespValue ONE = new Integer(1);

    /** {@code +text}: a status line, no CR or LF inside. */
    record Simple(String text) implements RespValue {
    }

    /** {@code -PREFIX message}: {@code text} starts with the error's prefix (ERR, WRONGTYPE, NOAUTH ...). */
    record Error(String text) implements RespValue {
    }

    record Integer(long value) implements RespValue {
    }

    /** {@code $len} and the bytes, or the null bulk string when {@code bytes} is null. */
    record Bulk(byte[] bytes) implements RespValue {
    }

    /** {@code *n} and the elements, or the null array when {@code elements} is null. */
    record Array(List<RespValue> elements) implements RespValue {
    }

    static RespValue bulk(byte[] bytes) {
        return new Bulk(bytes);
    }

    static RespValue bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    static RespValue integer(long value) {
        return value == 0 ? ZERO : value == 1 ? ONE : new Integer(value);
    }

    static RespValue bool(boolean value) {
        return value ? ONE : ZERO;
    }

    static RespValue array(List<RespValue> elements) {
        return new Array(elements);
    }

    /** An error with Redis's generic prefix. */
    static RespValue err(String message) {
        return new Error("ERR " + message);
    }
}
