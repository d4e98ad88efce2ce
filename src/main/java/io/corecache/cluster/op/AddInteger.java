package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

import java.nio.charset.StandardCharsets;

/**
 * Adds {@code delta} to the key's value read as a 64-bit decimal integer (an absent key counts as 0):
 * INCR, INCRBY, DECR, DECRBY and memento's INC and DEC. The expiry is kept; replies the new value.
 */
public record AddInteger(long delta) implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        long base = current == null ? 0 : Numbers.parseLong(current.value());
        long sum;
        try {
            sum = Math.addExact(base, delta);
        } catch (ArithmeticException e) {
            throw new OperationException(OperationException.OVERFLOW, "increment or decrement would overflow");
        }
        byte[] stored = Long.toString(sum).getBytes(StandardCharsets.US_ASCII);
        return Outcome.store(stored, current == null ? Versioned.NO_EXPIRY : current.expiresAt(),
                new Applied(true, null, sum));
    }
}
