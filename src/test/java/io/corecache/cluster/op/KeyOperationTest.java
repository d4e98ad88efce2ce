package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.cluster.op.Outcome.Change;
import io.corecache.engine.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each operation against what Redis's documentation (and, where it is silent, Redis 7's t_string.c and
 * expire.c) says the command does. Operations are pure functions of the current version and the time, so
 * these run without a node: {@code op.apply(current, NOW, LIMIT)} and look at the {@link Outcome}.
 */
class KeyOperationTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final int LIMIT = 1024;
    private static final long LATER = NOW + 60_000;

    // ---------------------------------------------------------------- SET and its forms

    @Test
    void setStoresTheValueWithoutExpiryAndReplacesAnExpiringOne() {
        Outcome created = SetValue.plain(bytes("v")).apply(null, NOW, LIMIT);
        assertStored(created, "v", Versioned.NO_EXPIRY);
        assertTrue(created.reply().done());
        assertNull(created.reply().value());

        // Redis: "Any previous time to live associated with the key is discarded on successful SET".
        Outcome replaced = SetValue.plain(bytes("w")).apply(version("old", LATER), NOW, LIMIT);
        assertStored(replaced, "w", Versioned.NO_EXPIRY);
        assertTrue(replaced.reply().done());
    }

    @Test
    void setNxWritesOnlyWhenTheKeyIsAbsent() {
        SetValue nx = new SetValue(bytes("new"), Expiry.NONE, SetValue.Condition.IF_ABSENT, false);
        Outcome absent = nx.apply(null, NOW, LIMIT);
        assertStored(absent, "new", Versioned.NO_EXPIRY);
        assertTrue(absent.reply().done());

        Outcome present = nx.apply(version("old", LATER), NOW, LIMIT);
        assertEquals(Change.NONE, present.change());
        assertFalse(present.reply().done());
    }

    @Test
    void setXxWritesOnlyWhenTheKeyIsPresent() {
        SetValue xx = new SetValue(bytes("new"), Expiry.NONE, SetValue.Condition.IF_PRESENT, false);
        Outcome absent = xx.apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, absent.change());
        assertFalse(absent.reply().done());

        Outcome present = xx.apply(version("old", Versioned.NO_EXPIRY), NOW, LIMIT);
        assertStored(present, "new", Versioned.NO_EXPIRY);
        assertTrue(present.reply().done());
    }

    @Test
    void setGetRepliesTheOldValueOrNil() {
        SetValue get = new SetValue(bytes("new"), Expiry.NONE, SetValue.Condition.ALWAYS, true);
        Outcome absent = get.apply(null, NOW, LIMIT);
        assertStored(absent, "new", Versioned.NO_EXPIRY);
        assertNull(absent.reply().value());

        Outcome present = get.apply(version("old", Versioned.NO_EXPIRY), NOW, LIMIT);
        assertStored(present, "new", Versioned.NO_EXPIRY);
        assertArrayEquals(bytes("old"), present.reply().value());
    }

    @Test
    void setNxGetOnAPresentKeyRepliesTheOldValueAndWritesNothing() {
        // Redis 7: "SET ... NX GET" returns the old value and does not set when the key exists.
        SetValue nxGet = new SetValue(bytes("new"), Expiry.NONE, SetValue.Condition.IF_ABSENT, true);
        Outcome present = nxGet.apply(version("old", Versioned.NO_EXPIRY), NOW, LIMIT);
        assertEquals(Change.NONE, present.change());
        assertFalse(present.reply().done());
        assertArrayEquals(bytes("old"), present.reply().value());

        Outcome absent = nxGet.apply(null, NOW, LIMIT);
        assertStored(absent, "new", Versioned.NO_EXPIRY);
        assertNull(absent.reply().value());
    }

    @Test
    void setXxGetOnAnAbsentKeyRepliesNilAndWritesNothing() {
        SetValue xxGet = new SetValue(bytes("new"), Expiry.NONE, SetValue.Condition.IF_PRESENT, true);
        Outcome absent = xxGet.apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, absent.change());
        assertNull(absent.reply().value());
    }

    @Test
    void setKeepTtlKeepsTheKeysExpiry() {
        SetValue keep = new SetValue(bytes("new"), Expiry.KEEP, SetValue.Condition.ALWAYS, false);
        assertStored(keep.apply(version("old", LATER), NOW, LIMIT), "new", LATER);
        assertStored(keep.apply(version("old", Versioned.NO_EXPIRY), NOW, LIMIT), "new", Versioned.NO_EXPIRY);
        assertStored(keep.apply(null, NOW, LIMIT), "new", Versioned.NO_EXPIRY);
    }

    @Test
    void setExAndPxCountFromTheReplicasClock() {
        SetValue ex = new SetValue(bytes("v"), Expiry.after(10_000), SetValue.Condition.ALWAYS, false);
        assertStored(ex.apply(version("old", LATER), NOW, LIMIT), "v", NOW + 10_000);
        SetValue px = new SetValue(bytes("v"), Expiry.after(1), SetValue.Condition.ALWAYS, false);
        assertStored(px.apply(null, NOW, LIMIT), "v", NOW + 1);
    }

    @Test
    void setExatAndPxatStoreTheAbsoluteTime() {
        SetValue pxat = new SetValue(bytes("v"), Expiry.at(NOW + 5), SetValue.Condition.ALWAYS, false);
        assertStored(pxat.apply(null, NOW, LIMIT), "v", NOW + 5);
    }

    @Test
    void setWithAnExpiryPastWhatEpochMillisHoldIsAnInvalidExpireTime() {
        SetValue ex = new SetValue(bytes("v"), Expiry.after(Long.MAX_VALUE - 1), SetValue.Condition.ALWAYS, false);
        assertCode(OperationException.BAD_EXPIRY, () -> ex.apply(null, NOW, LIMIT));
    }

    @Test
    void setPxatAlreadyPastRepliesOkAndLeavesNoKey() {
        // Redis 7 (t_string.c, setGenericCommand): EXAT/PXAT only has to be positive; a time already past
        // is stored as the key's expiry, so SET replies OK and the key reads as absent at once (redis-cli:
        // SET k v PXAT 1 -> OK, GET k -> nil). It is not "invalid expire time".
        SetValue pxat = new SetValue(bytes("v"), Expiry.at(NOW - 1), SetValue.Condition.ALWAYS, false);
        Outcome present = pxat.apply(version("old", Versioned.NO_EXPIRY), NOW, LIMIT);
        assertTrue(present.reply().done());
        assertEquals(Change.DELETE, present.change(), "the old value must not survive");

        Outcome absent = pxat.apply(null, NOW, LIMIT);
        assertTrue(absent.reply().done());
        assertNotEquals(Change.STORE, absent.change(), "nothing readable may be stored");
    }

    @Test
    void onlyAnUnconditionalSetThatKeepsNothingIsBlind() {
        assertTrue(SetValue.plain(bytes("v")).blind());
        assertTrue(new SetValue(bytes("v"), Expiry.after(5), SetValue.Condition.ALWAYS, false).blind());
        assertFalse(new SetValue(bytes("v"), Expiry.KEEP, SetValue.Condition.ALWAYS, false).blind());
        assertFalse(new SetValue(bytes("v"), Expiry.NONE, SetValue.Condition.IF_ABSENT, false).blind());
        assertFalse(new SetValue(bytes("v"), Expiry.NONE, SetValue.Condition.ALWAYS, true).blind());
        assertFalse(new AddInteger(1).blind());
        assertFalse(new Append(bytes("x"), false).blind());
    }

    // ---------------------------------------------------------------- INCR family

    @Test
    void incrOfAnAbsentKeyStartsFromZero() {
        Outcome outcome = new AddInteger(1).apply(null, NOW, LIMIT);
        assertStored(outcome, "1", Versioned.NO_EXPIRY);
        assertEquals(1, outcome.reply().number());
        assertTrue(outcome.reply().done());
    }

    @Test
    void incrByAndDecrByAddToTheValueAndKeepTheExpiry() {
        // Redis docs: INCR is "an operation that alters the value" and does not touch the time to live.
        Outcome up = new AddInteger(5).apply(version("10", LATER), NOW, LIMIT);
        assertStored(up, "15", LATER);
        assertEquals(15, up.reply().number());

        Outcome down = new AddInteger(-20).apply(version("10", LATER), NOW, LIMIT);
        assertStored(down, "-10", LATER);
        assertEquals(-10, down.reply().number());
    }

    @Test
    void incrReachesBothEndsOfTheRangeButNotPast() {
        Outcome max = new AddInteger(1).apply(version("9223372036854775806", 0), NOW, LIMIT);
        assertStored(max, "9223372036854775807", Versioned.NO_EXPIRY);
        Outcome min = new AddInteger(-1).apply(version("-9223372036854775807", 0), NOW, LIMIT);
        assertStored(min, "-9223372036854775808", Versioned.NO_EXPIRY);

        assertCode(OperationException.OVERFLOW,
                () -> new AddInteger(1).apply(version("9223372036854775807", 0), NOW, LIMIT));
        assertCode(OperationException.OVERFLOW,
                () -> new AddInteger(-1).apply(version("-9223372036854775808", 0), NOW, LIMIT));
        assertCode(OperationException.OVERFLOW,
                () -> new AddInteger(Long.MAX_VALUE).apply(version("1", 0), NOW, LIMIT));
        assertCode(OperationException.OVERFLOW,
                () -> new AddInteger(Long.MIN_VALUE).apply(version("-1", 0), NOW, LIMIT));
    }

    @Test
    void incrRefusesValuesRedisDoesNotReadAsIntegers() {
        for (String bad : new String[] {" 1", "1 ", "+1", "01", "-0", "00", "-", "", "1.0", "1e3", "0x10",
                "9223372036854775808", "-9223372036854775809", "12345678901234567890", "abc", "1\n"}) {
            assertCode(OperationException.NOT_INTEGER,
                    () -> new AddInteger(1).apply(version(bad, 0), NOW, LIMIT), "value '" + bad + "'");
        }
    }

    @Test
    void incrReadsCanonicalIntegers() {
        assertStored(new AddInteger(1).apply(version("0", 0), NOW, LIMIT), "1", 0);
        assertStored(new AddInteger(0).apply(version("-5", 0), NOW, LIMIT), "-5", 0);
        assertStored(new AddInteger(0).apply(version("-9223372036854775808", 0), NOW, LIMIT),
                "-9223372036854775808", 0);
    }

    // ---------------------------------------------------------------- INCRBYFLOAT

    @Test
    void incrByFloatGivesRedisDocumentedResults() {
        // The examples of https://redis.io/commands/incrbyfloat/
        Outcome first = new AddFloat("0.1").apply(version("10.50", 0), NOW, LIMIT);
        assertStored(first, "10.6", 0);
        assertArrayEquals(bytes("10.6"), first.reply().value());
        assertStored(new AddFloat("-5").apply(version("10.6", 0), NOW, LIMIT), "5.6", 0);
        Outcome exponent = new AddFloat("2.0e2").apply(version("5.0e3", 0), NOW, LIMIT);
        assertStored(exponent, "5200", 0);
        assertArrayEquals(bytes("5200"), exponent.reply().value());
    }

    @Test
    void incrByFloatStartsAbsentKeysAtZeroPrintsWithoutTrailingZerosAndKeepsTheExpiry() {
        assertStored(new AddFloat("1.50").apply(null, NOW, LIMIT), "1.5", Versioned.NO_EXPIRY);
        assertStored(new AddFloat("0.2").apply(version("0.1", LATER), NOW, LIMIT), "0.3", LATER);
        assertStored(new AddFloat("-1.5").apply(version("1.5", 0), NOW, LIMIT), "0", 0);
        assertStored(new AddFloat("1").apply(version("3", 0), NOW, LIMIT), "4", 0);
    }

    @Test
    void incrByFloatRefusesInfinityNanAndNonNumbers() {
        for (String bad : new String[] {"inf", "-inf", "+inf", "Infinity", "nan", "NaN", "", " 1", "1 ", "1d",
                "0x1p3", "abc", "1e999"}) {
            assertCode(OperationException.NOT_FLOAT, () -> new AddFloat(bad).apply(version("1", 0), NOW, LIMIT),
                    "increment '" + bad + "'");
            assertCode(OperationException.NOT_FLOAT, () -> new AddFloat("1").apply(version(bad, 0), NOW, LIMIT),
                    "value '" + bad + "'");
        }
    }

    @Test
    void incrByFloatRefusesAResultThatIsInfinite() {
        assertCode(OperationException.OVERFLOW,
                () -> new AddFloat("1.7e308").apply(version("1.7e308", 0), NOW, LIMIT));
    }

    @Test
    void incrByFloatRefusesAnIncrementThatUnderflows() {
        // Redis reads a float with strtold and refuses ERANGE results: "1e-99999" is "not a valid float".
        // Accepting it turns a 8-byte argument into a 100,000-digit value.
        assertCode(OperationException.NOT_FLOAT, () -> new AddFloat("1e-99999").apply(null, NOW, 1 << 20));
    }

    @Test
    void incrByFloatNeverStoresAValueOverTheLimit() {
        // 1 + 1e-300 written out exactly is 302 bytes: over a 64-byte limit it must be refused (or rounded
        // as Redis's long double would), never stored.
        Outcome outcome;
        try {
            outcome = new AddFloat("1e-300").apply(version("1", 0), NOW, 64);
        } catch (OperationException refused) {
            return;
        }
        assertTrue(outcome.value().length <= 64, "stored " + outcome.value().length + " bytes over a limit of 64");
    }

    @Test
    void incrByFloatWithAHugeZeroExponentFinishesQuickly() {
        // "0e-80000" is zero (Redis reads it as 0); adding 1 must not build and strip an 80,000-digit
        // intermediate (seconds here; "0e-999999999", 12 bytes, would hold the replica for good).
        assertTimeout(Duration.ofSeconds(1), () ->
                assertStored(new AddFloat("1").apply(version("0e-80000", 0), NOW, LIMIT), "1", 0));
    }

    // ---------------------------------------------------------------- APPEND / PREPEND

    @Test
    void appendAddsAtTheEndKeepsTheExpiryAndRepliesTheLength() {
        Outcome outcome = new Append(bytes(" World"), false).apply(version("Hello", LATER), NOW, LIMIT);
        assertStored(outcome, "Hello World", LATER);
        assertEquals(11, outcome.reply().number());
    }

    @Test
    void prependAddsAtTheFrontAndKeepsTheExpiry() {
        Outcome outcome = new Append(bytes("Hello "), true).apply(version("World", LATER), NOW, LIMIT);
        assertStored(outcome, "Hello World", LATER);
        assertEquals(11, outcome.reply().number());
    }

    @Test
    void appendToAnAbsentKeyCreatesItWithoutExpiry() {
        Outcome outcome = new Append(bytes("x"), false).apply(null, NOW, LIMIT);
        assertStored(outcome, "x", Versioned.NO_EXPIRY);
        assertEquals(1, outcome.reply().number());
        assertStored(new Append(bytes("y"), true).apply(null, NOW, LIMIT), "y", Versioned.NO_EXPIRY);
    }

    @Test
    void appendIsBinarySafe() {
        byte[] old = {0, (byte) 0xFF};
        byte[] tail = {(byte) 0x80, 0};
        Outcome outcome = new Append(tail, false).apply(new Versioned(old, 1, 2, 3, 0), NOW, LIMIT);
        assertArrayEquals(new byte[] {0, (byte) 0xFF, (byte) 0x80, 0}, outcome.value());
    }

    @Test
    void appendPastTheValueLimitIsRefused() {
        Outcome exact = new Append(new byte[4], false).apply(version("123456", 0), NOW, 10);
        assertEquals(10, exact.value().length);
        assertCode(OperationException.TOO_LARGE,
                () -> new Append(new byte[5], false).apply(version("123456", 0), NOW, 10));
        assertCode(OperationException.TOO_LARGE,
                () -> new Append(new byte[5], true).apply(version("123456", 0), NOW, 10));
    }

    // ---------------------------------------------------------------- SETRANGE

    @Test
    void setRangeOverwritesFromTheOffset() {
        // https://redis.io/commands/setrange/: "Hello World", SETRANGE 6 "Redis" -> "Hello Redis", 11.
        Outcome outcome = new SetRange(6, bytes("Redis")).apply(version("Hello World", LATER), NOW, LIMIT);
        assertStored(outcome, "Hello Redis", LATER);
        assertEquals(11, outcome.reply().number());
    }

    @Test
    void setRangeExtendsTheValue() {
        Outcome outcome = new SetRange(3, bytes("xyz")).apply(version("abcd", 0), NOW, LIMIT);
        assertStored(outcome, "abcxyz", 0);
        assertEquals(6, outcome.reply().number());
    }

    @Test
    void setRangePadsWithZeroBytes() {
        // Redis docs: SETRANGE key2 6 "Redis" on a missing key gives "\x00\x00\x00\x00\x00\x00Redis".
        Outcome outcome = new SetRange(6, bytes("Redis")).apply(null, NOW, LIMIT);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 'R', 'e', 'd', 'i', 's'}, outcome.value());
        assertEquals(Versioned.NO_EXPIRY, outcome.expiresAt());
        assertEquals(11, outcome.reply().number());

        Outcome gap = new SetRange(4, bytes("!")).apply(version("ab", 0), NOW, LIMIT);
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, '!'}, gap.value());
    }

    @Test
    void setRangeWithAnEmptyValueChangesNothingAndRepliesTheLength() {
        Outcome absent = new SetRange(100, new byte[0]).apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, absent.change());
        assertEquals(0, absent.reply().number());

        Outcome present = new SetRange(100, new byte[0]).apply(version("abc", 0), NOW, LIMIT);
        assertEquals(Change.NONE, present.change());
        assertEquals(3, present.reply().number());
    }

    @Test
    void setRangeWithANegativeOffsetIsOutOfRange() {
        assertCode(OperationException.OUT_OF_RANGE,
                () -> new SetRange(-1, bytes("x")).apply(version("abc", 0), NOW, LIMIT));
        assertCode(OperationException.OUT_OF_RANGE, () -> new SetRange(-1, new byte[0]).apply(null, NOW, LIMIT));
    }

    @Test
    void setRangeUpToTheLimitIsAllowedAndOnePastIsRefused() {
        Outcome exact = new SetRange(LIMIT - 1, bytes("x")).apply(null, NOW, LIMIT);
        assertEquals(LIMIT, exact.value().length);
        assertCode(OperationException.TOO_LARGE, () -> new SetRange(LIMIT, bytes("x")).apply(null, NOW, LIMIT));
        assertCode(OperationException.TOO_LARGE,
                () -> new SetRange(LIMIT - 1, bytes("xy")).apply(version("abc", 0), NOW, LIMIT));
    }

    @Test
    void setRangeAtAHugeOffsetIsRefusedWithoutAllocating() {
        // Each of these would need gigabytes (or an int that wraps): refused as too large before allocating.
        for (long offset : new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 1L << 40, 536_870_911L}) {
            assertCode(OperationException.TOO_LARGE,
                    () -> new SetRange(offset, bytes("x")).apply(null, NOW, 64 << 20), "offset " + offset);
        }
    }

    @Test
    void setRangeAtAnOffsetWhereOffsetPlusLengthOverflowsIsRefused() {
        // Redis's checkStringLength treats size + append overflowing as too large. Here offset + length
        // wraps negative and must still be an OperationException, not an ArrayIndexOutOfBoundsException.
        for (long offset : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1}) {
            OperationException e = assertThrows(OperationException.class,
                    () -> new SetRange(offset, bytes("xy")).apply(version("abc", 0), NOW, LIMIT), "offset " + offset);
            assertTrue(e.code().equals(OperationException.TOO_LARGE) || e.code().equals(OperationException.OUT_OF_RANGE),
                    e.code());
        }
    }

    // ---------------------------------------------------------------- GETDEL

    @Test
    void getDelRepliesTheValueAndDeletes() {
        Outcome present = new GetAndDelete().apply(version("v", LATER), NOW, LIMIT);
        assertEquals(Change.DELETE, present.change());
        assertTrue(present.reply().done());
        assertArrayEquals(bytes("v"), present.reply().value());

        Outcome absent = new GetAndDelete().apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, absent.change());
        assertFalse(absent.reply().done());
        assertNull(absent.reply().value());
    }

    // ---------------------------------------------------------------- GETEX

    @Test
    void getExWithoutOptionsIsAGet() {
        Outcome outcome = new GetAndExpire(Expiry.KEEP).apply(version("v", LATER), NOW, LIMIT);
        assertEquals(Change.NONE, outcome.change());
        assertArrayEquals(bytes("v"), outcome.reply().value());
    }

    @Test
    void getExPersistRemovesTheExpiry() {
        Outcome outcome = new GetAndExpire(Expiry.NONE).apply(version("v", LATER), NOW, LIMIT);
        assertStored(outcome, "v", Versioned.NO_EXPIRY);
        assertArrayEquals(bytes("v"), outcome.reply().value());

        Outcome none = new GetAndExpire(Expiry.NONE).apply(version("v", Versioned.NO_EXPIRY), NOW, LIMIT);
        assertNotEquals(Change.DELETE, none.change());
        assertArrayEquals(bytes("v"), none.reply().value());
    }

    @Test
    void getExSetsARelativeOrAbsoluteExpiry() {
        assertStored(new GetAndExpire(Expiry.after(1000)).apply(version("v", 0), NOW, LIMIT), "v", NOW + 1000);
        assertStored(new GetAndExpire(Expiry.at(NOW + 7)).apply(version("v", LATER), NOW, LIMIT), "v", NOW + 7);
    }

    @Test
    void getExWithATimeAlreadyPastRepliesTheValueAndDeletes() {
        for (long at : new long[] {NOW, NOW - 1, 1}) {
            Outcome outcome = new GetAndExpire(Expiry.at(at)).apply(version("v", LATER), NOW, LIMIT);
            assertEquals(Change.DELETE, outcome.change(), "PXAT " + at);
            assertArrayEquals(bytes("v"), outcome.reply().value());
        }
    }

    @Test
    void getExOfAnAbsentKeyIsNilAndCreatesNothing() {
        Outcome outcome = new GetAndExpire(Expiry.after(1000)).apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, outcome.change());
        assertNull(outcome.reply().value());
    }

    @Test
    void getExPastWhatEpochMillisHoldIsAnInvalidExpireTime() {
        assertCode(OperationException.BAD_EXPIRY,
                () -> new GetAndExpire(Expiry.after(Long.MAX_VALUE)).apply(version("v", 0), NOW, LIMIT));
    }

    // ---------------------------------------------------------------- EXPIRE family

    @Test
    void expireSetsTheExpiryOfAnExistingKeyOnly() {
        SetExpiry expire = new SetExpiry(Expiry.after(10_000), SetExpiry.Condition.ALWAYS);
        Outcome present = expire.apply(version("v", 0), NOW, LIMIT);
        assertStored(present, "v", NOW + 10_000);
        assertTrue(present.reply().done());

        Outcome absent = expire.apply(null, NOW, LIMIT);
        assertEquals(Change.NONE, absent.change());
        assertFalse(absent.reply().done());
    }

    @Test
    void expireInThePastDeletesTheKeyAndRepliesOne() {
        // Redis docs: a non-positive timeout or a time in the past deletes the key rather than expiring it.
        for (Expiry past : new Expiry[] {Expiry.at(NOW), Expiry.at(NOW - 1), Expiry.at(1), Expiry.after(-1),
                Expiry.after(0)}) {
            Outcome outcome = new SetExpiry(past, SetExpiry.Condition.ALWAYS).apply(version("v", LATER), NOW, LIMIT);
            assertEquals(Change.DELETE, outcome.change(), past.toString());
            assertTrue(outcome.reply().done());
        }
    }

    @Test
    void expireNxAppliesOnlyToAKeyWithoutExpiry() {
        SetExpiry nx = new SetExpiry(Expiry.at(NOW + 5), SetExpiry.Condition.IF_NONE);
        assertStored(nx.apply(version("v", 0), NOW, LIMIT), "v", NOW + 5);
        assertUnchangedNotDone(nx.apply(version("v", LATER), NOW, LIMIT));
    }

    @Test
    void expireXxAppliesOnlyToAKeyWithExpiry() {
        SetExpiry xx = new SetExpiry(Expiry.at(NOW + 5), SetExpiry.Condition.IF_SET);
        assertUnchangedNotDone(xx.apply(version("v", 0), NOW, LIMIT));
        assertStored(xx.apply(version("v", LATER), NOW, LIMIT), "v", NOW + 5);
    }

    @Test
    void expireGtAppliesOnlyWhenLaterAndNeverToAKeyWithoutExpiry() {
        // Redis docs: "A non-volatile key is treated as an infinite TTL for the purpose of GT and LT."
        SetExpiry gt = new SetExpiry(Expiry.at(LATER + 1), SetExpiry.Condition.IF_LATER);
        assertStored(gt.apply(version("v", LATER), NOW, LIMIT), "v", LATER + 1);
        assertUnchangedNotDone(gt.apply(version("v", 0), NOW, LIMIT));
        assertUnchangedNotDone(new SetExpiry(Expiry.at(LATER), SetExpiry.Condition.IF_LATER)
                .apply(version("v", LATER), NOW, LIMIT));
        assertUnchangedNotDone(new SetExpiry(Expiry.at(LATER - 1), SetExpiry.Condition.IF_LATER)
                .apply(version("v", LATER), NOW, LIMIT));
    }

    @Test
    void expireLtAppliesOnlyWhenEarlierAndAlwaysToAKeyWithoutExpiry() {
        SetExpiry lt = new SetExpiry(Expiry.at(LATER - 1), SetExpiry.Condition.IF_EARLIER);
        assertStored(lt.apply(version("v", LATER), NOW, LIMIT), "v", LATER - 1);
        assertStored(lt.apply(version("v", 0), NOW, LIMIT), "v", LATER - 1);
        assertUnchangedNotDone(new SetExpiry(Expiry.at(LATER), SetExpiry.Condition.IF_EARLIER)
                .apply(version("v", LATER), NOW, LIMIT));
        assertUnchangedNotDone(new SetExpiry(Expiry.at(LATER + 1), SetExpiry.Condition.IF_EARLIER)
                .apply(version("v", LATER), NOW, LIMIT));
    }

    @Test
    void aConditionThatFailsKeepsTheKeyEvenWhenTheTimeIsPast() {
        // Redis checks NX/XX/GT/LT before it deletes for a past time.
        assertUnchangedNotDone(new SetExpiry(Expiry.at(1), SetExpiry.Condition.IF_LATER).apply(version("v", LATER), NOW, LIMIT));
        assertUnchangedNotDone(new SetExpiry(Expiry.at(1), SetExpiry.Condition.IF_NONE).apply(version("v", LATER), NOW, LIMIT));
        Outcome lt = new SetExpiry(Expiry.at(1), SetExpiry.Condition.IF_EARLIER).apply(version("v", 0), NOW, LIMIT);
        assertEquals(Change.DELETE, lt.change());
        assertTrue(lt.reply().done());
    }

    @Test
    void expirePastWhatEpochMillisHoldIsAnInvalidExpireTime() {
        assertCode(OperationException.BAD_EXPIRY, () -> new SetExpiry(Expiry.after(Long.MAX_VALUE),
                SetExpiry.Condition.ALWAYS).apply(version("v", 0), NOW, LIMIT));
    }

    // ---------------------------------------------------------------- PERSIST

    @Test
    void persistRemovesAnExpiryAndRepliesWhetherThereWasOne() {
        Outcome expiring = new Persist().apply(version("v", LATER), NOW, LIMIT);
        assertStored(expiring, "v", Versioned.NO_EXPIRY);
        assertTrue(expiring.reply().done());

        assertUnchangedNotDone(new Persist().apply(version("v", 0), NOW, LIMIT));
        assertUnchangedNotDone(new Persist().apply(null, NOW, LIMIT));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Versioned version(String value, long expiresAt) {
        return new Versioned(bytes(value), NOW - 10_000, NOW - 5_000, 42, expiresAt);
    }

    private static void assertStored(Outcome outcome, String value, long expiresAt) {
        assertEquals(Change.STORE, outcome.change());
        assertEquals(value, new String(outcome.value(), StandardCharsets.UTF_8));
        assertEquals(expiresAt, outcome.expiresAt(), "expiresAt");
    }

    private static void assertUnchangedNotDone(Outcome outcome) {
        assertEquals(Change.NONE, outcome.change());
        Applied reply = outcome.reply();
        assertFalse(reply.done());
    }

    private static void assertCode(String code, Executable executable) {
        assertCode(code, executable, "");
    }

    private static void assertCode(String code, Executable executable, String what) {
        OperationException e = assertThrows(OperationException.class, executable, what);
        assertEquals(code, e.code(), what);
    }
}
