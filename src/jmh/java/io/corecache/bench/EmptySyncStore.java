package io.corecache.bench;

import io.corecache.engine.Durability;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Like {@link EmptyStore}, but every acknowledged write is fsynced (durability sync, group commit). */
@State(Scope.Benchmark)
public class EmptySyncStore extends StoreState {

    @Setup(Level.Iteration)
    public void setUp() {
        open(Durability.SYNC);
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        closeAndDelete();
    }
}
