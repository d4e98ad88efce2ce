package io.corecache.api.http.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The JVM's metrics (memory, GC, threads, class loading, CPU, buffer pools) in one registry per JVM.
 *
 * <p>They describe the process, not a node, and the client registers them at most once per registry (it
 * remembers every registry it registered with, forever). So they live here, registered when the class is
 * first used (the first scrape), rather than in each node's registry: tests start several nodes in one
 * JVM, and a node's registry must not be kept alive after the node stops.
 */
final class JvmMetricsRegistry {

    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

    static {
        JvmMetrics.builder().register(REGISTRY);
    }

    private JvmMetricsRegistry() {
    }

    static MetricSnapshots scrape() {
        return REGISTRY.scrape();
    }
}
