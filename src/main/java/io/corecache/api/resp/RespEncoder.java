package io.corecache.api.resp;

import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

import java.nio.charset.StandardCharsets;

/** Writes replies in RESP2. */
final class RespEncoder {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final ByteString NIL_BULK = ByteString.fromString("$-1\r\n");
    private static final ByteString NIL_ARRAY = ByteString.fromString("*-1\r\n");
    private static final ByteString OK = ByteString.fromString("+OK\r\n");

    private RespEncoder() {
    }

    static ByteString encode(RespValue value) {
        if (value == RespValue.OK) {
            return OK;
        }
        ByteStringBuilder out = new ByteStringBuilder();
        write(value, out);
        return out.result();
    }

    private static void write(RespValue value, ByteStringBuilder out) {
        if (value instanceof RespValue.Simple simple) {
            line('+', oneLine(simple.text()), out);
        } else if (value instanceof RespValue.Error error) {
            line('-', oneLine(error.text()), out);
        } else if (value instanceof RespValue.Integer integer) {
            line(':', Long.toString(integer.value()), out);
        } else if (value instanceof RespValue.Bulk bulk) {
            if (bulk.bytes() == null) {
                out.append(NIL_BULK);
            } else {
                line('$', Integer.toString(bulk.bytes().length), out);
                out.putBytes(bulk.bytes());
                out.putBytes(CRLF);
            }
        } else if (value instanceof RespValue.Array array) {
            if (array.elements() == null) {
                out.append(NIL_ARRAY);
            } else {
                line('*', Integer.toString(array.elements().size()), out);
                for (RespValue element : array.elements()) {
                    write(element, out);
                }
            }
        }
    }

    private static void line(char type, String text, ByteStringBuilder out) {
        out.putByte((byte) type);
        out.putBytes(text.getBytes(StandardCharsets.UTF_8));
        out.putBytes(CRLF);
    }

    /** A status or error line must not break the framing, whatever a message quotes. */
    private static String oneLine(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
    }
}
