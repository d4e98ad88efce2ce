package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteThrottleTest {

    private final WriteThrottle throttle = new WriteThrottle(LsmOptions.defaults()); // 2 immutables, L0 8 / 12

    @Test
    void noPauseWhileThereIsRoom() {
        assertEquals(0, throttle.pauseNanos(1, 7));
        assertFalse(throttle.mustWait(1, 11));
    }

    @Test
    void thePauseGrowsWithTheBacklogUpToACap() {
        long one = TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(one, throttle.pauseNanos(2, 0));
        assertEquals(one, throttle.pauseNanos(0, 8));
        assertEquals(3 * one, throttle.pauseNanos(0, 10));
        assertEquals(WriteThrottle.MAX_PAUSE_NANOS, throttle.pauseNanos(2, 11));
    }

    @Test
    void writersWaitOnlyPastTheHardLimits() {
        assertTrue(throttle.mustWait(2, 0));
        assertTrue(throttle.mustWait(0, 12));
    }
}
