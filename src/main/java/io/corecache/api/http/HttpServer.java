package io.corecache.api.http;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Binds the HTTP API. On shutdown (SIGTERM) Pekko's coordinated shutdown unbinds it first, so no new
 * connection is accepted, then lets requests in flight finish for {@code corecache.http.shutdown-deadline}
 * before the partitions stop.
 */
public final class HttpServer {

    private HttpServer() {
    }

    public static ServerBinding start(CoreCacheNode node) {
        var settings = node.settings();
        try {
            ServerBinding binding = Http.get(node.system())
                    .newServerAt(settings.httpHost(), settings.httpPort())
                    .bind(new HttpApi(node).route())
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            binding.addToCoordinatedShutdown(settings.httpShutdownDeadline(), node.system());
            return binding;
        } catch (ExecutionException e) {
            throw new NodeStartException("cannot serve HTTP on " + settings.httpHost() + ":" + settings.httpPort()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NodeStartException("timed out binding HTTP on " + settings.httpHost() + ":" + settings.httpPort());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException("interrupted while binding HTTP", e);
        }
    }
}
