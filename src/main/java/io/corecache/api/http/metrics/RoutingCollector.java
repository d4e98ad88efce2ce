package io.corecache.api.http.metrics;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.PlacementTable;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How this node takes part in the cluster: the partitions the placement gives it, the requests it routed
 * to each node's replicas, and the requests partitions could not serve (the 503s), by reason. The counts live where they
 * happen (the router, the API's replica calls) and are read when Prometheus scrapes.
 */
final class RoutingCollector implements MultiCollector {

    private static final String HOSTED = "corecache_partitions_hosted";
    private static final String ROUTED = "corecache_routed_requests";
    private static final String UNAVAILABLE = "corecache_partition_refusals";

    private final CoreCacheNode node;
    private final Supplier<Map<String, Long>> unavailableByReason;

    RoutingCollector(CoreCacheNode node, Supplier<Map<String, Long>> unavailableByReason) {
        this.node = node;
        this.unavailableByReason = unavailableByReason;
    }

    @Override
    public MetricSnapshots collect() {
        PlacementTable table = node.placement().table();
        int hosted = table == null ? 0 : table.partitionsOf(node.identity().nodeId()).size();
        return MetricSnapshots.builder()
                .metricSnapshot(GaugeSnapshot.builder().name(HOSTED)
                        .help("Partitions whose replica the cluster's placement gives this node")
                        .dataPoint(GaugeDataPointSnapshot.builder().value(hosted).build()).build())
                .metricSnapshot(counter(ROUTED, "Requests routed to a partition's replica, by the node holding it "
                        + "(this node's own id for its local partitions)", "target_node", node.router().routedRequests()))
                .metricSnapshot(counter(UNAVAILABLE, "Requests a partition could not serve, answered 503 (or with that "
                        + "error inside a batch), by reason: overloaded, timeout, partition_unavailable, storage_unavailable", "reason", unavailableByReason.get()))
                .build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(HOSTED, ROUTED, UNAVAILABLE);
    }

    private static CounterSnapshot counter(String name, String help, String label, Map<String, Long> counts) {
        CounterSnapshot.Builder snapshot = CounterSnapshot.builder().name(name).help(help);
        counts.forEach((value, count) -> snapshot.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of(label, value)).value(count).build()));
        return snapshot.build();
    }
}
