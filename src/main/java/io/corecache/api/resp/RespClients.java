package io.corecache.api.resp;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The connections of this node's endpoint, and its counters (CLIENT LIST, INFO clients and stats). */
final class RespClients {

    private final ConcurrentMap<Long, RespSession> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    final LongAdder connectionsReceived = new LongAdder();
    final LongAdder connectionsRejected = new LongAdder();
    final LongAdder commandsProcessed = new LongAdder();
    final LongAdder errorReplies = new LongAdder();

    long nextId() {
        return ids.incrementAndGet();
    }

    void opened(RespSession session) {
        open.put(session.id(), session);
    }

    void closed(RespSession session) {
        open.remove(session.id());
    }

    int count() {
        return open.size();
    }

    Collection<RespSession> all() {
        return open.values();
    }
}
