package io.corecache.multijvm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads writes back through the nodes of a cluster and fails naming every write that is missing or wrong. */
final class ReadBack {

    private static final int THREADS = 4;

    private ReadBack() {
    }

    /** GETs every key of {@code expected}, going round {@code through}, and checks status 200 and the value. */
    static void assertEveryWriteReadable(Map<String, String> expected, List<HttpApi> through, String context) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(expected.entrySet());
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                readers.add(pool.submit(() -> {
                    for (int i = thread; i < entries.size(); i += THREADS) {
                        Map.Entry<String, String> entry = entries.get(i);
                        HttpApi api = through.get(i % through.size());
                        try {
                            HttpApi.Answer answer = api.get(entry.getKey());
                            if (answer.status() != 200 || !answer.body().equals(entry.getValue())) {
                                wrong.add(entry.getKey() + " via " + api.base() + ": " + answer);
                            }
                        } catch (IOException e) {
                            wrong.add(entry.getKey() + " via " + api.base() + ": " + e);
                        }
                    }
                }));
            }
            for (Future<?> reader : readers) {
                reader.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        assertTrue(wrong.isEmpty(), context + ": " + wrong.size() + " of " + expected.size()
                + " acknowledged writes are not there, e.g. " + wrong.stream().limit(10).toList());
    }
}
