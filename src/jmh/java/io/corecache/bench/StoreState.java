package io.corecache.bench;

import io.corecache.engine.Durability;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.nio.file.Path;

/**
 * A store under test in its own scratch directory: the engine parameter, and opening and removing it.
 * Subclasses decide when (per trial or per iteration), with which durability, and what is loaded first.
 */
@State(Scope.Benchmark)
public abstract class StoreState {

    /** Which engine; add a name here and a case in {@link BenchEngines} to benchmark another one. */
    @Param({"bitcask", "lsm", "rocksdb"})
    public String engine;

    BenchEngine store;
    private Path dir;

    void open(Durability durability) {
        dir = BenchDirs.create("corecache-bench-" + engine + "-");
        store = BenchEngines.open(engine, dir, durability);
    }

    void closeAndDelete() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            store = null;
            BenchDirs.delete(dir);
            dir = null;
        }
    }
}
