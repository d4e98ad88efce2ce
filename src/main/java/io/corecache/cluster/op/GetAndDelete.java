package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/** Deletes the key and replies its value, null if it had none (GETDEL). */
public record GetAndDelete() implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        if (current == null) {
            return Outcome.unchanged(new Applied(false, null, 0));
        }
        return Outcome.delete(new Applied(true, current.value(), 0));
    }
}
