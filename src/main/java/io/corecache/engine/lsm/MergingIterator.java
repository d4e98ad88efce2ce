package io.corecache.engine.lsm;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges sorted sources of entries (memtables, tables) into one stream in {@link InternalEntry#ORDER}: every
 * version of every key, newest first within a key. Sources never hold the same (key, sequence) twice, since a
 * sequence number belongs to one write, so ties cannot happen.
 */
final class MergingIterator implements Iterator<InternalEntry> {

    /** A source and the entry it would give next. */
    private static final class Head {
        final Iterator<InternalEntry> source;
        InternalEntry entry;

        Head(Iterator<InternalEntry> source) {
            this.source = source;
            this.entry = source.next();
        }

        boolean advance() {
            if (!source.hasNext()) {
                return false;
            }
            entry = source.next();
            return true;
        }
    }

    private final PriorityQueue<Head> heads;

    MergingIterator(List<? extends Iterator<InternalEntry>> sources) {
        heads = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> InternalEntry.ORDER.compare(a.entry, b.entry));
        for (Iterator<InternalEntry> source : sources) {
            if (source.hasNext()) {
                heads.add(new Head(source));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public InternalEntry next() {
        Head head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        InternalEntry entry = head.entry;
        if (head.advance()) {
            heads.add(head);
        }
        return entry;
    }
}
