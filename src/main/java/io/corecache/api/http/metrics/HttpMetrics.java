package io.corecache.api.http.metrics;

import io.corecache.cluster.CoreCacheNode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Complete;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.directives.RouteAdapter;
import org.apache.pekko.http.scaladsl.server.RequestContext;
import org.apache.pekko.http.scaladsl.server.RouteResult;
import scala.Function1;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Request counts and latency histograms by route and status, engine statistics per partition, routing in
 * the cluster ({@link RoutingCollector}), and the JVM's metrics: {@code GET /metrics} in the Prometheus text format 0.0.4, written by the Prometheus Java
 * client.
 *
 * <p>Each instance has its own registry (several nodes may run in one JVM, each with its own API), except
 * for the JVM's metrics, which are the process's and registered once per JVM ({@link JvmMetricsRegistry}).
 */
public final class HttpMetrics extends AllDirectives {

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();
    /** {@code text/plain; version=0.0.4; charset=utf-8}, the writer's own content type. */
    private static final ContentType CONTENT_TYPE = ContentTypes.parse(TEXT.getContentType());

    /** Recording is a few atomic adds: it runs where the response was produced rather than hopping threads. */
    private static final ExecutionContext ON_COMPLETING_THREAD = ExecutionContexts.fromExecutor(Runnable::run);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestMetrics requests = new RequestMetrics(registry);
    /** Scrapes run here: an engine's statistics take its lock, which a rollover may hold across an fsync. */
    private final Executor scrapeExecutor;

    /** @param unavailableByReason the 503s the API answered for partitions so far, by reason */
    public HttpMetrics(CoreCacheNode node, Supplier<Map<String, Long>> unavailableByReason) {
        registry.register(new EngineStatsCollector(node.host(), node.settings().partitions()));
        registry.register(new RoutingCollector(node, unavailableByReason));
        this.scrapeExecutor = node.system().dispatchers().lookup(DispatcherSelector.blocking());
    }

    /**
     * Measures every request {@code inner} answers, from the moment routing reaches it to the moment its
     * response is produced (a streamed body may still be flowing then). {@code inner} turns failures and
     * rejections into responses, so errors are counted with the status the client sees.
     *
     * <p>Written against Pekko's Scala route type: the Java directives would convert the route's future to
     * a CompletionStage and back on every request, on the path the GET benchmark measures.
     */
    public Route instrument(Route inner) {
        Function1<RequestContext, Future<RouteResult>> route = inner.asScala();
        return RouteAdapter.asJava(context -> {
            long start = System.nanoTime();
            RouteLabel label = RouteLabel.of(context.request().uri().path());
            String method = context.request().method().value();
            Future<RouteResult> result = route.apply(context);
            result.onComplete(outcome -> {
                long nanos = System.nanoTime() - start;
                int status = outcome.isSuccess() && outcome.get() instanceof Complete complete
                        ? complete.getResponse().status().intValue() : 0;
                requests.record(label, method, status, nanos);
                return null;
            }, ON_COMPLETING_THREAD);
            return result;
        });
    }

    /** GET /metrics in the Prometheus text format. */
    public Route route() {
        return get(() -> completeWithFuture(CompletableFuture.supplyAsync(this::scrape, scrapeExecutor)));
    }

    private HttpResponse scrape() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot snapshot : registry.scrape()) {
            all.metricSnapshot(snapshot);
        }
        for (MetricSnapshot snapshot : JvmMetricsRegistry.scrape()) {
            all.metricSnapshot(snapshot);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream(32 * 1024);
        try {
            TEXT.write(text, all.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return HttpResponse.create().withEntity(HttpEntities.create(CONTENT_TYPE, text.toByteArray()));
    }
}
