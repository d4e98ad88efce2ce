package io.corecache.api.http.metrics;

import io.corecache.cluster.ReplicaHost;
import io.corecache.engine.EngineStats;
import io.corecache.engine.StorageEngine;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The storage engines' own statistics, one series per partition open on this node, read when Prometheus
 * scrapes (so they cost nothing between scrapes and are never stale). Each engine's
 * {@link StorageEngine#stats()} is taken once per scrape, so the figures of one partition are consistent
 * with each other.
 *
 * <p>A partition that is not open (it failed to start, or the node is shutting down) has no series;
 * {@code corecache_engine_partitions_open} against {@code corecache_partitions} shows how many are
 * missing.
 */
final class EngineStatsCollector implements MultiCollector {

    private record Gauge(String name, String help, ToDoubleFunction<EngineStats> value) {
    }

    private static final List<Gauge> GAUGES = List.of(
            new Gauge("corecache_engine_live_keys", "Keys with a current version (expired ones count until purged)",
                    EngineStats::liveKeys),
            new Gauge("corecache_engine_disk_bytes", "Bytes of all the engine's files", EngineStats::diskBytes),
            new Gauge("corecache_engine_dead_bytes",
                    "Bytes of superseded versions and tombstones that a merge can reclaim", EngineStats::deadBytes),
            new Gauge("corecache_engine_files", "Data files", EngineStats::files),
            new Gauge("corecache_engine_revision", "Highest revision stored", EngineStats::appliedRevision));

    private static final List<Gauge> COUNTERS = List.of(
            new Gauge("corecache_engine_merges", "Merges completed since the partition opened",
                    EngineStats::merges),
            new Gauge("corecache_engine_reclaimed_bytes", "Bytes freed by merges since the partition opened",
                    EngineStats::reclaimedBytes));

    private static final String OPEN = "corecache_engine_partitions_open";
    private static final String PARTITIONS = "corecache_partitions";

    private final ReplicaHost host;
    private final int partitions;
    private final Labels[] partitionLabels;

    EngineStatsCollector(ReplicaHost host, int partitions) {
        this.host = host;
        this.partitions = partitions;
        this.partitionLabels = new Labels[partitions];
        for (int p = 0; p < partitions; p++) {
            partitionLabels[p] = Labels.of("partition", Integer.toString(p));
        }
    }

    @Override
    public MetricSnapshots collect() {
        Map<Integer, EngineStats> stats = new TreeMap<>();
        host.openEngines().forEach((partition, engine) -> {
            try {
                stats.put(partition, engine.stats());
            } catch (RuntimeException closedMeanwhile) {
                // The snapshot of open engines can include one that closed since (shutdown); it has no figures.
            }
        });

        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (Gauge gauge : GAUGES) {
            GaugeSnapshot.Builder snapshot = GaugeSnapshot.builder().name(gauge.name()).help(gauge.help());
            stats.forEach((partition, s) -> snapshot.dataPoint(GaugeDataPointSnapshot.builder()
                    .labels(labelsOf(partition)).value(gauge.value().applyAsDouble(s)).build()));
            all.metricSnapshot(snapshot.build());
        }
        for (Gauge counter : COUNTERS) {
            CounterSnapshot.Builder snapshot = CounterSnapshot.builder().name(counter.name()).help(counter.help());
            stats.forEach((partition, s) -> snapshot.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labelsOf(partition)).value(counter.value().applyAsDouble(s)).build()));
            all.metricSnapshot(snapshot.build());
        }
        all.metricSnapshot(single(OPEN, "Partitions whose engine is open on this node", stats.size()));
        all.metricSnapshot(single(PARTITIONS,
                "Partitions of the whole keyspace (corecache.partitions); a cluster of one hosts them all", partitions));
        return all.build();
    }

    /** Lets the registry refuse another collector that would expose the same names. */
    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>();
        GAUGES.forEach(g -> names.add(g.name()));
        COUNTERS.forEach(c -> names.add(c.name()));
        names.add(OPEN);
        names.add(PARTITIONS);
        return names;
    }

    private Labels labelsOf(int partition) {
        return partition < partitionLabels.length ? partitionLabels[partition]
                : Labels.of("partition", Integer.toString(partition));
    }

    private static GaugeSnapshot single(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
