package io.corecache.engine;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Long random sequences of operations, compared step by step with a {@link TreeMap} model, with reopens
 * and engine maintenance (merges, compactions) mixed in. A failure names its seed; rerun with
 * {@code -Dcorecache.seed=N} to replay it.
 */
public abstract class StorageEngineModelTest {

    @TempDir
    protected Path dir;
    private final StorageEngineContractTest.ManualClock clock = new StorageEngineContractTest.ManualClock(1_000_000);

    protected abstract StorageEngine open(Path dir, EngineOptions options);

    /** Background work the engine does on its own (merge, compaction), run now. */
    protected abstract void maintain(StorageEngine engine);

    private record ModelValue(byte[] value, long revision, long expiresAt) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void matchesTheModel(long defaultSeed) {
        long seed = Long.getLong("corecache.seed", defaultSeed);
        try {
            run(new Random(seed), 12_000);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("model test failed with seed " + seed + " (rerun with -Dcorecache.seed="
                    + seed + "): " + e.getMessage(), e);
        }
    }

    private void run(Random random, int steps) {
        EngineOptions options = EngineOptions.DEFAULT.withClock(clock).withDurability(Durability.NONE)
                .withLimits(new Limits(32, 4096));
        TreeMap<byte[], ModelValue> model = new TreeMap<>(Bytes.ORDER);
        StorageEngine engine = open(dir, options);
        long revision = 0;
        try {
            for (int step = 0; step < steps; step++) {
                int action = random.nextInt(100);
                if (action < 40) {
                    byte[] key = key(random);
                    byte[] value = value(random);
                    long expiresAt = random.nextInt(10) == 0 ? clock.millis() + 1 + random.nextInt(50) : 0;
                    engine.put(key, value, ++revision, expiresAt);
                    model.put(key, new ModelValue(value, revision, expiresAt));
                } else if (action < 55) {
                    byte[] key = key(random);
                    engine.delete(key, ++revision);
                    model.remove(key);
                } else if (action < 62) {
                    WriteBatch batch = new WriteBatch(++revision);
                    int n = random.nextInt(6);
                    for (int i = 0; i < n; i++) {
                        byte[] key = key(random);
                        if (random.nextBoolean()) {
                            byte[] value = value(random);
                            batch.put(key, value);
                            model.put(key, new ModelValue(value, revision, 0));
                        } else {
                            batch.delete(key);
                            model.remove(key);
                        }
                    }
                    engine.write(batch);
                } else if (action < 82) {
                    byte[] key = key(random);
                    check(model, key, engine.get(key));
                } else if (action < 90) {
                    checkScan(model, engine, random);
                } else if (action < 93) {
                    clock.advance(random.nextInt(30));
                } else if (action < 96) {
                    maintain(engine);
                } else {
                    engine.close();
                    engine = open(dir, options);
                    assertEquals(revision, engine.appliedRevision(), "applied revision after reopen");
                }
            }
            engine.close();
            engine = open(dir, options);
            checkScan(model, engine, null);
        } finally {
            engine.close();
        }
    }

    private void check(TreeMap<byte[], ModelValue> model, byte[] key, Versioned actual) {
        ModelValue expected = model.get(key);
        boolean live = expected != null && (expected.expiresAt == 0 || clock.millis() < expected.expiresAt);
        if (!live) {
            if (actual != null) {
                fail("key " + Bytes.printable(key) + " should be absent, engine has " + actual);
            }
            return;
        }
        if (actual == null) {
            fail("key " + Bytes.printable(key) + " missing; model has revision " + expected.revision);
        }
        assertEquals(Bytes.printable(expected.value), Bytes.printable(actual.value()), "value of " + Bytes.printable(key));
        assertEquals(expected.revision, actual.revision(), "revision of " + Bytes.printable(key));
        assertEquals(expected.expiresAt, actual.expiresAt(), "expiry of " + Bytes.printable(key));
    }

    private void checkScan(TreeMap<byte[], ModelValue> model, StorageEngine engine, Random random) {
        byte[] start = random == null || random.nextBoolean() ? null : key(random);
        byte[] end = random == null || random.nextBoolean() ? null : key(random);
        int limit = random == null || random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt(40);
        List<String> expected = new ArrayList<>();
        for (Map.Entry<byte[], ModelValue> e : model.entrySet()) {
            if (expected.size() >= limit) {
                break;
            }
            boolean inRange = (start == null || Bytes.compare(e.getKey(), start) >= 0)
                    && (end == null || Bytes.compare(e.getKey(), end) < 0);
            ModelValue v = e.getValue();
            if (inRange && (v.expiresAt == 0 || clock.millis() < v.expiresAt)) {
                expected.add(Bytes.printable(e.getKey()) + "=" + Bytes.printable(v.value) + "@" + v.revision);
            }
        }
        List<String> actual = new ArrayList<>();
        try (RangeCursor cursor = engine.scan(start, end, limit)) {
            cursor.forEachRemaining(e -> actual.add(Bytes.printable(e.key()) + "=" + Bytes.printable(e.version().value())
                    + "@" + e.version().revision()));
        }
        assertEquals(expected, actual, "scan [" + (start == null ? "-" : Bytes.printable(start)) + ", "
                + (end == null ? "-" : Bytes.printable(end)) + ") limit " + limit);
    }

    /** Keys from a small space (so they collide), of varying length, some sharing prefixes. */
    private static byte[] key(Random random) {
        int n = random.nextInt(400);
        byte[] key = ("k" + n).getBytes();
        if (n % 7 == 0) {
            key = Arrays.copyOf(key, key.length + 1);
            key[key.length - 1] = (byte) (0x80 + random.nextInt(3));
        }
        return key;
    }

    private static byte[] value(Random random) {
        byte[] value = new byte[random.nextInt(5) == 0 ? random.nextInt(4000) : random.nextInt(40)];
        random.nextBytes(value);
        return value;
    }
}
