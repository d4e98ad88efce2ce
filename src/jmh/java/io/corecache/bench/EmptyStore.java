package io.corecache.bench;

import io.corecache.engine.Durability;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An empty store with durability none, new for every iteration. Fresh per iteration rather than per trial
 * so a write benchmark's store stays bounded (a few million keys, under a GB) whatever the engines' speed,
 * and every iteration measures the same thing: filling a store from empty, flushes and compactions included.
 */
@State(Scope.Benchmark)
public class EmptyStore extends StoreState {

    @Setup(Level.Iteration)
    public void setUp() {
        open(Durability.NONE);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        closeAndDelete();
    }
}
