package io.corecache.api.resp;

import java.io.ByteArrayOutputStream;

/**
 * Redis's glob patterns (KEYS, SCAN MATCH, CONFIG GET): {@code *} any bytes, {@code ?} one byte,
 * {@code [abc]}, {@code [^a]}, {@code [a-z]} a class, {@code \x} the byte x. Matched on bytes, as Redis does.
 */
final class Glob {

    private final byte[] pattern;

    Glob(byte[] pattern) {
        this.pattern = pattern;
    }

    /**
     * The bytes every match starts with (the pattern up to its first special byte), so a scan can read
     * only that key range.
     */
    byte[] literalPrefix() {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        for (int i = 0; i < pattern.length; i++) {
            byte b = pattern[i];
            if (b == '*' || b == '?' || b == '[') {
                break;
            }
            if (b == '\\') {
                if (i + 1 >= pattern.length) {
                    break;
                }
                b = pattern[++i];
            }
            prefix.write(b);
        }
        return prefix.toByteArray();
    }

    /**
     * Every token but '*' consumes exactly one byte, so when the rest fails after a '*', only the latest '*'
     * needs to take one more byte: no recursion, at most pattern x text steps (Redis fixed its exponential
     * backtracking, CVE-2022-36021; this never had to).
     */
    boolean matches(byte[] s) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < s.length) {
            if (p < pattern.length && pattern[p] == '*') {
                starP = ++p;
                starI = i;
                continue;
            }
            int next = p < pattern.length ? matchOne(p, s[i]) : -1;
            if (next >= 0) {
                p = next;
                i++;
            } else if (starP >= 0) {
                p = starP;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == '*') {
            p++;
        }
        return p == pattern.length;
    }

    /** The pattern index after the token at {@code p} if it matches byte {@code b}, else -1. */
    private int matchOne(int p, byte b) {
        byte c = pattern[p];
        if (c == '?') {
            return p + 1;
        }
        if (c == '[') {
            int end = classEnd(p);
            return inClass(p + 1, end, b) ? Math.min(end + 1, pattern.length) : -1;
        }
        if (c == '\\' && p + 1 < pattern.length) {
            p++;
            c = pattern[p];
        }
        return c == b ? p + 1 : -1;
    }

    /** The index of the ']' closing the class opened at {@code open} (the pattern's end if none). */
    private int classEnd(int open) {
        int j = open + 1;
        if (j < pattern.length && pattern[j] == '^') {
            j++;
        }
        while (j < pattern.length && pattern[j] != ']') {
            if (pattern[j] == '\\' && j + 1 < pattern.length) {
                j++;
            }
            j++;
        }
        return j;
    }

    private boolean inClass(int from, int end, byte b) {
        boolean not = from < end && pattern[from] == '^';
        int j = not ? from + 1 : from;
        boolean found = false;
        while (j < end) {
            if (pattern[j] == '\\' && j + 1 < end) {
                j++;
                found |= pattern[j] == b;
                j++;
            } else if (j + 2 < end && pattern[j + 1] == '-') {
                int lo = pattern[j] & 0xff;
                int hi = pattern[j + 2] & 0xff;
                int v = b & 0xff;
                found |= lo <= hi ? v >= lo && v <= hi : v >= hi && v <= lo;
                j += 3;
            } else {
                found |= pattern[j] == b;
                j++;
            }
        }
        return not != found;
    }
}
