package io.corecache.cli;

/**
 * The shape of the torture workload: how many writer threads, and how many keys each owns. Few keys per
 * thread means each key is overwritten and deleted many times, which is what makes stale values and
 * resurrected deletes show up.
 */
record TortureWorkload(int threads, int keysPerThread) {

    TortureWorkload {
        if (threads < 1 || threads > TortureKey.MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1.." + TortureKey.MAX_THREADS + ", got " + threads);
        }
        if (keysPerThread < 1 || keysPerThread > TortureKey.MAX_KEYS_PER_THREAD) {
            throw new IllegalArgumentException(
                    "keys per thread must be 1.." + TortureKey.MAX_KEYS_PER_THREAD + ", got " + keysPerThread);
        }
    }

    boolean contains(TortureKey key) {
        return key.thread() < threads && key.n() < keysPerThread;
    }

    int keys() {
        return threads * keysPerThread;
    }
}
