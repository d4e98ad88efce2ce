package io.corecache.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit at the replica: who waits for which fsync. */
class DurableRepliesTest {

    private final DurableReplies durable = new DurableReplies();
    private final List<String> answered = new ArrayList<>();

    private DurableReplies.Parked reply(String name) {
        return new DurableReplies.Parked() {
            @Override
            public void complete() {
                answered.add(name);
            }

            @Override
            public void fail(Throwable cause) {
                answered.add(name + " failed");
            }
        };
    }

    @Test
    void aWriteIsAnsweredOnlyAfterTheFsyncThatCoversIt() {
        durable.park(reply("w1"));
        assertTrue(durable.startSync());
        assertTrue(answered.isEmpty());
        durable.syncDone(null);
        assertEquals(List.of("w1"), answered);
        assertTrue(durable.allDurable());
    }

    @Test
    void writesArrivingDuringAnFsyncShareTheNextOne() {
        durable.park(reply("w1"));
        durable.startSync();
        durable.park(reply("w2"));
        durable.park(reply("w3"));
        assertFalse(durable.startSync(), "one fsync at a time");
        durable.syncDone(null);
        assertEquals(List.of("w1"), answered, "w2 and w3 were applied after the running fsync began");
        assertTrue(durable.startSync());
        durable.syncDone(null);
        assertEquals(List.of("w1", "w2", "w3"), answered);
    }

    @Test
    void aReadThatMaySeeAnUnsyncedWriteWaitsForItsFsync() {
        assertFalse(durable.parkRead(reply("r0")), "nothing pending: a read goes at once");
        durable.park(reply("w1"));
        assertTrue(durable.parkRead(reply("r1")));
        durable.startSync();
        assertTrue(durable.parkRead(reply("r2")), "w1's fsync is running: r2 waits for it, not the next");
        durable.syncDone(null);
        assertEquals(List.of("w1", "r1", "r2"), answered);
        assertFalse(durable.startSync(), "nothing left to sync");
    }

    @Test
    void aFailedFsyncFailsEveryReplyItCovered() {
        durable.park(reply("w1"));
        durable.startSync();
        durable.park(reply("w2"));
        durable.syncDone(new java.io.IOException("disk gone"));
        assertEquals(List.of("w1 failed"), answered);
        durable.failAll(new IllegalStateException("stopping"));
        assertEquals(List.of("w1 failed", "w2 failed"), answered);
    }
}
