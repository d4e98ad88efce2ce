package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.cluster.ReplicaProtocol.Apply;
import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Clear;
import io.corecache.cluster.ReplicaProtocol.Cleared;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.op.AddFloat;
import io.corecache.cluster.op.AddInteger;
import io.corecache.cluster.op.Append;
import io.corecache.cluster.op.Expiry;
import io.corecache.cluster.op.GetAndDelete;
import io.corecache.cluster.op.GetAndExpire;
import io.corecache.cluster.op.KeyOperation;
import io.corecache.cluster.op.Persist;
import io.corecache.cluster.op.SetExpiry;
import io.corecache.cluster.op.SetRange;
import io.corecache.cluster.op.SetValue;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every read-modify-write operation crosses nodes inside {@link Apply}; it and the other messages of the
 * Redis endpoint (Applied, Clear, Cleared, a Batch whose ops carry preconditions) go through Pekko's Jackson
 * CBOR serializer and come back equal, field by field (records holding byte arrays compare by content).
 */
class OperationSerializationTest {

    private static CborWire wire;

    private static final byte[] KEY = {0, (byte) 0xFF, 'k', (byte) 0x80};
    private static final byte[] BINARY = {1, 0, (byte) 0xFE, '\n', (byte) 0x80};

    @BeforeAll
    static void start() {
        wire = CborWire.start();
    }

    @AfterAll
    static void stop() {
        wire.close();
    }

    /** One of each operation, with every option and enum value, binary bytes and extreme numbers. */
    private static List<KeyOperation> everyOperation() {
        List<KeyOperation> ops = new ArrayList<>();
        for (SetValue.Condition condition : SetValue.Condition.values()) {
            ops.add(new SetValue(BINARY, Expiry.NONE, condition, false));
            ops.add(new SetValue(BINARY, Expiry.KEEP, condition, true));
        }
        ops.add(SetValue.plain(new byte[0]));
        ops.add(new SetValue(BINARY, Expiry.after(1500), SetValue.Condition.ALWAYS, true));
        ops.add(new SetValue(BINARY, Expiry.at(1_700_000_000_123L), SetValue.Condition.IF_PRESENT, false));
        ops.add(new AddInteger(1));
        ops.add(new AddInteger(Long.MIN_VALUE));
        ops.add(new AddInteger(Long.MAX_VALUE));
        ops.add(new AddFloat("0.1"));
        ops.add(new AddFloat("-5.0e3"));
        ops.add(new Append(BINARY, false));
        ops.add(new Append(BINARY, true));
        ops.add(new Append(new byte[0], false));
        ops.add(new SetRange(0, BINARY));
        ops.add(new SetRange(Long.MAX_VALUE, BINARY));
        ops.add(new GetAndDelete());
        ops.add(new GetAndExpire(Expiry.NONE));
        ops.add(new GetAndExpire(Expiry.KEEP));
        ops.add(new GetAndExpire(Expiry.after(Long.MAX_VALUE)));
        ops.add(new GetAndExpire(Expiry.at(-1)));
        for (SetExpiry.Condition condition : SetExpiry.Condition.values()) {
            ops.add(new SetExpiry(Expiry.after(10_000), condition));
            ops.add(new SetExpiry(Expiry.at(1_700_000_000_000L), condition));
        }
        ops.add(new Persist());
        return ops;
    }

    @Test
    void theListCoversEveryOperationType() {
        Set<Class<?>> covered = everyOperation().stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> all = Set.of(KeyOperation.class.getPermittedSubclasses());
        assertEquals(all, covered);
        Set<Expiry.Kind> kinds = everyOperation().stream()
                .flatMap(op -> op instanceof SetValue s ? java.util.stream.Stream.of(s.expiry().kind())
                        : op instanceof GetAndExpire g ? java.util.stream.Stream.of(g.expiry().kind())
                        : java.util.stream.Stream.empty())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Expiry.Kind.class)));
        assertEquals(EnumSet.allOf(Expiry.Kind.class), kinds);
    }

    @Test
    void everyOperationRoundTripsInsideApply() {
        TestProbe<Reply> probe = wire.testKit().createTestProbe();
        for (KeyOperation op : everyOperation()) {
            Apply sent = new Apply(KEY, op, probe.getRef());
            Apply received = roundTrip(sent);
            assertInstanceOf(op.getClass(), received.operation(), op.toString());
            assertDeepEquals(sent, received, "Apply(" + op.getClass().getSimpleName() + ")");
            assertEquals(probe.getRef(), received.replyTo());
        }
    }

    @Test
    void appliedRoundTripsWithAndWithoutAValue() {
        for (Applied applied : List.of(new Applied(true, BINARY, 0), new Applied(false, null, 0),
                new Applied(true, new byte[0], -1), new Applied(true, null, Long.MAX_VALUE),
                new Applied(false, null, Long.MIN_VALUE))) {
            Applied received = roundTrip(applied);
            assertDeepEquals(applied, received, applied.toString());
        }
        assertNull(roundTrip(new Applied(false, null, 0)).value(), "a null value stays null, not empty");
        assertArrayEquals(new byte[0], roundTrip(new Applied(true, new byte[0], 0)).value(),
                "an empty value stays empty, not null");
    }

    @Test
    void clearAndClearedRoundTrip() {
        TestProbe<Reply> probe = wire.testKit().createTestProbe();
        Clear clear = roundTrip(new Clear(probe.getRef()));
        assertEquals(probe.getRef(), clear.replyTo());
        assertEquals(new Clear(probe.getRef()), clear);
        assertEquals(new Cleared(12_345, 67), roundTrip(new Cleared(12_345, 67)));
        assertEquals(new Cleared(0, Long.MAX_VALUE), roundTrip(new Cleared(0, Long.MAX_VALUE)));
    }

    @Test
    void batchOpsKeepTheirPreconditions() {
        TestProbe<Reply> probe = wire.testKit().createTestProbe();
        List<BatchOp> ops = List.of(
                new BatchOp(KEY, BINARY, 0, Precondition.ABSENT),
                new BatchOp(KEY, BINARY, 5000, Precondition.PRESENT),
                new BatchOp(KEY, null, 0, Precondition.revision(42)),
                new BatchOp(KEY, new byte[0], 0, Precondition.NONE),
                new BatchOp(KEY, BINARY, 0));
        Batch sent = new Batch(ops, probe.getRef());
        Batch received = roundTrip(sent);
        assertDeepEquals(sent, received, "Batch");
        assertEquals(Precondition.ABSENT, received.ops().get(0).precondition());
        assertEquals(Precondition.PRESENT, received.ops().get(1).precondition());
        assertEquals(Precondition.revision(42), received.ops().get(2).precondition());
        assertTrue(received.ops().get(2).isDelete());
        assertEquals(Precondition.NONE, received.ops().get(4).precondition());
        assertEquals(5000, received.ops().get(1).ttlMillis());
    }

    @Test
    void theOperationTypeTravelsByNameNotByClassName() {
        // The CBOR names the subtype ("op": "set"), so renaming or moving a record does not break the wire.
        byte[] bytes = wire.serialization().serialize(new Apply(KEY, new AddInteger(1), wire.testKit().<Reply>createTestProbe().getRef()))
                .get();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("add-integer"), "type name on the wire");
        assertTrue(!text.contains("io.corecache.cluster.op.AddInteger"), "no class name on the wire");
    }

    private static <T> T roundTrip(T message) {
        return wire.roundTrip(message);
    }

    /** Equal as records, comparing byte arrays by content and recursing into records and lists. */
    private static void assertDeepEquals(Object expected, Object actual, String path) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, path);
            return;
        }
        if (expected instanceof byte[] e) {
            assertInstanceOf(byte[].class, actual, path);
            assertArrayEquals(e, (byte[]) actual, path);
            return;
        }
        if (expected instanceof List<?> e) {
            List<?> a = assertInstanceOf(List.class, actual, path);
            assertEquals(e.size(), a.size(), path + ".size");
            for (int i = 0; i < e.size(); i++) {
                assertDeepEquals(e.get(i), a.get(i), path + "[" + i + "]");
            }
            return;
        }
        if (expected.getClass().isRecord()) {
            assertEquals(expected.getClass(), actual.getClass(), path);
            for (RecordComponent component : expected.getClass().getRecordComponents()) {
                try {
                    assertDeepEquals(component.getAccessor().invoke(expected), component.getAccessor().invoke(actual),
                            path + "." + component.getName());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(path + "." + component.getName(), e);
                }
            }
            return;
        }
        assertEquals(expected, actual, path);
    }
}
