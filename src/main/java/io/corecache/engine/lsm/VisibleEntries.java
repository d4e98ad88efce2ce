package io.corecache.engine.lsm;

import io.corecache.engine.Entry;
import io.corecache.engine.Versioned;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * What a reader sees of a merged stream of versions: for each key, its newest version no newer than the
 * snapshot, and nothing at all for a key whose newest version is a tombstone or has expired. Keys at or past
 * {@code end} (exclusive; null for no end) end the stream.
 */
final class VisibleEntries implements Iterator<Entry> {

    private final Iterator<InternalEntry> versions;
    private final long snapshot;
    private final byte[] end;
    private final long now;
    private InternalEntry pending;
    private Entry next;

    /**
     * @param versions every version, in {@link InternalEntry#ORDER}
     * @param snapshot the highest sequence the reader may see
     * @param now      epoch millis that decides expiry, fixed for the whole scan so it is consistent
     */
    VisibleEntries(Iterator<InternalEntry> versions, long snapshot, byte[] end, long now) {
        this.versions = versions;
        this.snapshot = snapshot;
        this.end = end;
        this.now = now;
        advance();
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Entry next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        Entry entry = next;
        advance();
        return entry;
    }

    private void advance() {
        next = null;
        while (next == null) {
            InternalEntry newest = nextVisibleVersion();
            if (newest == null || (end != null && Arrays.compareUnsigned(newest.key(), end) >= 0)) {
                pending = null;
                return;
            }
            skipOlderVersionsOf(newest.key());
            Versioned version = newest.toVersioned();
            if (version != null && !version.isExpiredAt(now)) {
                next = new Entry(newest.key(), version);
            }
        }
    }

    /** The first version at or below the snapshot, skipping versions written after it. */
    private InternalEntry nextVisibleVersion() {
        while (true) {
            InternalEntry entry = take();
            if (entry == null || entry.sequence() <= snapshot) {
                return entry;
            }
        }
    }

    private void skipOlderVersionsOf(byte[] key) {
        while (true) {
            InternalEntry entry = take();
            if (entry == null) {
                return;
            }
            if (!Arrays.equals(entry.key(), key)) {
                pending = entry;
                return;
            }
        }
    }

    private InternalEntry take() {
        if (pending != null) {
            InternalEntry entry = pending;
            pending = null;
            return entry;
        }
        return versions.hasNext() ? versions.next() : null;
    }
}
