package io.corecache.engine;

import java.util.Arrays;
import java.util.Comparator;

/** Byte-string helpers. Keys order by unsigned lexicographic byte order everywhere in CoreCache. */
public final class Bytes {

    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Bytes() {
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** A short readable form for messages: UTF-8 text when printable, hex otherwise. */
    public static String printable(byte[] key) {
        int shown = Math.min(key.length, 64);
        boolean text = true;
        for (int i = 0; i < shown; i++) {
            if (key[i] < 0x20 || key[i] > 0x7E) {
                text = false;
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        if (text) {
            out.append('"').append(new String(key, 0, shown, java.nio.charset.StandardCharsets.US_ASCII)).append('"');
        } else {
            out.append("0x");
            for (int i = 0; i < shown; i++) {
                out.append(Character.forDigit((key[i] >> 4) & 0xF, 16)).append(Character.forDigit(key[i] & 0xF, 16));
            }
        }
        if (shown < key.length) {
            out.append("...(").append(key.length).append(" bytes)");
        }
        return out.toString();
    }

    /** The first key after every key starting with {@code prefix}, or null if there is none (all 0xFF). */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
