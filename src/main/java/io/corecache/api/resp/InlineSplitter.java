package io.corecache.api.resp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Splits an inline command line (what telnet or {@code redis-cli} in inline mode sends) into arguments, the way
 * Redis's {@code sdssplitargs} does: blanks separate; {@code "double quotes"} understand {@code \n \r \t \b \a
 * \\ \" \xHH} (any other escaped character stands for itself); {@code 'single quotes'} understand only
 * {@code \'}; a closing quote must be followed by a blank or the end of the line.
 *
 * <p>Works on bytes, not text, so arguments come out exactly as sent. One deliberate difference from Redis:
 * there a NUL byte ends the line (C strings); here it is an ordinary byte.
 */
final class InlineSplitter {

    private InlineSplitter() {
    }

    /**
     * The arguments of {@code line[from, to)} (the line without its {@code \r\n}): empty for a blank line, null
     * when a quote is unbalanced or a closing quote is followed by something other than a blank.
     */
    static List<byte[]> split(byte[] line, int from, int to) {
        List<byte[]> args = new ArrayList<>();
        byte[] current = new byte[to - from]; // an argument is never longer than the line it comes from
        int p = from;
        while (true) {
            while (p < to && isBlank(line[p])) {
                p++;
            }
            if (p == to) {
                return args;
            }
            int n = 0;
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (p == to) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 3 < to && line[p + 1] == 'x' && HexFormat.isHexDigit(line[p + 2])
                            && HexFormat.isHexDigit(line[p + 3])) {
                        current[n++] = (byte) (HexFormat.fromHexDigit(line[p + 2]) * 16
                                + HexFormat.fromHexDigit(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && p + 1 < to) {
                        p++;
                        current[n++] = unescape(line[p]);
                    } else if (c == '"') {
                        if (p + 1 < to && !isBlank(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current[n++] = c;
                    }
                } else if (inSingle) {
                    if (p == to) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 1 < to && line[p + 1] == '\'') {
                        p++;
                        current[n++] = '\'';
                    } else if (c == '\'') {
                        if (p + 1 < to && !isBlank(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current[n++] = c;
                    }
                } else if (p == to) {
                    done = true;
                } else {
                    byte c = line[p];
                    switch (c) {
                        case ' ', '\n', '\r', '\t' -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> current[n++] = c;
                    }
                }
                if (p < to) {
                    p++;
                }
            }
            args.add(Arrays.copyOf(current, n));
        }
    }

    /** C's isspace: what separates arguments and may follow a closing quote. */
    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static byte unescape(byte c) {
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 0x07;
            default -> c;
        };
    }
}
