package io.corecache.api.resp;

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
        java.io.ByteArrayOutputStream prefix = new java.io.ByteArrayOutputStream();
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

    boolean matches(byte[] text) {
        return match(0, text, 0);
    }

    private boolean match(int p, byte[] s, int i) {
        while (p < pattern.length) {
            byte c = pattern[p];
            switch (c) {
                case '*' -> {
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    for (int k = i; k <= s.length; k++) {
                        if (match(p + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    i++;
                    p++;
                }
                case '[' -> {
                    if (i >= s.length) {
                        return false;
                    }
                    int end = classEnd(p);
                    if (!inClass(p + 1, end, s[i])) {
                        return false;
                    }
                    i++;
                    p = end + 1;
                }
                default -> {
                    if (c == '\\' && p + 1 < pattern.length) {
                        p++;
                        c = pattern[p];
                    }
                    if (i >= s.length || s[i] != c) {
                        return false;
                    }
                    i++;
                    p++;
                }
            }
        }
        return i == s.length;
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
