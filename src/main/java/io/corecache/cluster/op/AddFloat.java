package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Adds {@code delta} (a decimal number as text, so it crosses nodes exactly) to the key's value read as a
 * decimal number (absent counts as 0): INCRBYFLOAT and memento's INCF and DECF. The sum is exact decimal
 * arithmetic, so 10.50 + 0.1 is "10.6" as in Redis; the expiry is kept. Replies the new value as text.
 */
public record AddFloat(String delta) implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        BigDecimal increment = Numbers.parseDecimal(delta.getBytes(StandardCharsets.US_ASCII));
        BigDecimal base = current == null ? BigDecimal.ZERO : Numbers.parseDecimal(current.value());
        byte[] stored = Numbers.formatDecimal(base.add(increment)).getBytes(StandardCharsets.US_ASCII);
        Numbers.checkLength(stored.length, maxValueBytes);
        return Outcome.store(stored, current == null ? Versioned.NO_EXPIRY : current.expiresAt(),
                new Applied(true, stored, 0));
    }
}
