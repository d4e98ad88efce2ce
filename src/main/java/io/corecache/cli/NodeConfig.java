package io.corecache.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a node's configuration from its layers, highest first: command-line flags, {@code CORECACHE_*}
 * environment variables, the {@code --config} file, {@code conf/application.conf} (in the jar as
 * application.conf), and the libraries' reference settings. JVM system properties override everything, as
 * usual with Typesafe Config.
 */
final class NodeConfig {

    /** Environment variables and the settings they set. {@code HOST:PORT} values set a host and a port. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "CORECACHE_DATA", "corecache.data-dir",
            "CORECACHE_ENGINE", "corecache.engine",
            "CORECACHE_PARTITIONS", "corecache.partitions",
            "CORECACHE_DURABILITY", "corecache.durability",
            "CORECACHE_HTTP", "http",
            "CORECACHE_REMOTE", "remote",
            "CORECACHE_MANAGEMENT", "management");

    private NodeConfig() {
    }

    /**
     * @param flags       settings from flags, by the same names as {@link #ENVIRONMENT}'s values
     * @param environment the process environment
     * @param file        the --config file, or null for none (then CORECACHE_CONFIG, if set)
     */
    static Config load(Map<String, String> flags, Map<String, String> environment, Path file) {
        Map<String, String> fromEnvironment = new LinkedHashMap<>();
        ENVIRONMENT.forEach((variable, setting) -> {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                fromEnvironment.put(setting, value);
            }
        });
        Path configFile = file != null ? file
                : environment.containsKey("CORECACHE_CONFIG") ? Path.of(environment.get("CORECACHE_CONFIG")) : null;
        Config fromFile = ConfigFactory.empty();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new NodeStartException("config file " + configFile.toAbsolutePath() + " does not exist");
            }
            fromFile = ConfigFactory.parseFile(configFile.toFile());
        }
        return CoreCacheNode.configWith(ConfigFactory.defaultOverrides()
                .withFallback(settings(flags, "flag"))
                .withFallback(settings(fromEnvironment, "environment"))
                .withFallback(fromFile));
    }

    private static Config settings(Map<String, String> values, String origin) {
        Map<String, Object> paths = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            switch (name) {
                case "http" -> hostPort(paths, origin, name, value, "corecache.http.host", "corecache.http.port");
                case "remote" -> hostPort(paths, origin, name, value,
                        "pekko.remote.artery.canonical.hostname", "pekko.remote.artery.canonical.port");
                case "management" -> hostPort(paths, origin, name, value,
                        "pekko.management.http.hostname", "pekko.management.http.port");
                default -> paths.put(name, value);
            }
        });
        return ConfigFactory.parseMap(paths, origin);
    }

    private static void hostPort(Map<String, Object> paths, String origin, String name, String value,
                                 String hostPath, String portPath) {
        int colon = value.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                // answered below
            }
        }
        if (port < 0 || port > 65535) {
            throw new NodeStartException("bad " + origin + " " + name + ": expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        paths.put(hostPath, host);
        paths.put(portPath, port);
    }
}
