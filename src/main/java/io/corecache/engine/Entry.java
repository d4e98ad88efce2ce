package io.corecache.engine;

/** A key with its current version, as a range scan returns it. */
public record Entry(byte[] key, Versioned version) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && java.util.Arrays.equals(key, e.key) && version.equals(e.version);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "Entry[" + Bytes.printable(key) + " -> " + version + "]";
    }
}
