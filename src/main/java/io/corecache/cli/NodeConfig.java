package io.corecache.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a node's configuration from its layers, highest first: command-line flags, {@code CORECACHE_*}
 * environment variables, the {@code --config} file, {@code conf/application.conf} (in the jar as
 * application.conf), and the libraries' reference settings. JVM system properties override everything, as
 * usual with Typesafe Config.
 */
final class NodeConfig {

    /** Environment variables and the settings they set. {@code HOST:PORT} values set a host and a port. */
    static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("CORECACHE_DATA", "corecache.data-dir"),
            Map.entry("CORECACHE_ENGINE", "corecache.engine"),
            Map.entry("CORECACHE_PARTITIONS", "corecache.partitions"),
            Map.entry("CORECACHE_DURABILITY", "corecache.durability"),
            Map.entry("CORECACHE_HTTP", "http"),
            Map.entry("CORECACHE_RESP", "resp"),
            Map.entry("CORECACHE_RESP_PASSWORD", "corecache.resp.password"),
            Map.entry("CORECACHE_REMOTE", "remote"),
            Map.entry("CORECACHE_MANAGEMENT", "management"),
            Map.entry("CORECACHE_SEEDS", "seeds"),
            Map.entry("CORECACHE_INITIAL_NODES", "corecache.cluster.initial-nodes"));

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
                fromEnvironment.put(setting, value.trim());
            }
        });
        String configVariable = environment.get("CORECACHE_CONFIG");
        Path configFile = file != null ? file
                : configVariable != null && !configVariable.isBlank() ? Path.of(configVariable.trim()) : null;
        Config fromFile = ConfigFactory.empty();
        if (configFile != null) {
            fromFile = parseFile(configFile, file != null ? "--config" : "CORECACHE_CONFIG");
        }
        Config layers = ConfigFactory.defaultOverrides()
                .withFallback(settings(flags, "flag"))
                .withFallback(settings(fromEnvironment, "environment"))
                .withFallback(fromFile);
        try {
            return CoreCacheNode.configWith(layers);
        } catch (ConfigException e) {
            // An unresolved ${substitution} or a type clash between layers: say where it came from.
            throw new NodeStartException("bad configuration: " + e.getMessage(), e);
        }
    }

    private static Config parseFile(Path configFile, String origin) {
        if (!Files.exists(configFile)) {
            throw new NodeStartException("config file " + configFile.toAbsolutePath() + " (" + origin + ") does not exist");
        }
        if (!Files.isRegularFile(configFile) || !Files.isReadable(configFile)) {
            throw new NodeStartException("config file " + configFile.toAbsolutePath() + " (" + origin
                    + ") is not a readable file");
        }
        try {
            return ConfigFactory.parseFile(configFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new NodeStartException("cannot read config file " + configFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Config settings(Map<String, String> values, String origin) {
        Map<String, Object> paths = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            switch (name) {
                case "http" -> hostPort(paths, origin, name, value, "corecache.http.host", "corecache.http.port");
                case "resp" -> hostPort(paths, origin, name, value, "corecache.resp.host", "corecache.resp.port");
                case "remote" -> hostPort(paths, origin, name, value,
                        "pekko.remote.artery.canonical.hostname", "pekko.remote.artery.canonical.port");
                case "management" -> hostPort(paths, origin, name, value,
                        "pekko.management.http.hostname", "pekko.management.http.port");
                case "seeds" -> paths.put("corecache.cluster.seeds", seeds(origin, value));
                default -> paths.put(name, value);
            }
        });
        return ConfigFactory.parseMap(paths, origin);
    }

    /** A comma-separated list of HOST:PORT remoting addresses, each checked like any other address. */
    private static List<String> seeds(String origin, String value) {
        List<String> seeds = new ArrayList<>();
        for (String seed : value.split(",")) {
            if (seed.isBlank()) {
                continue;
            }
            Map<String, Object> checked = new LinkedHashMap<>();
            hostPort(checked, origin, "seeds", seed, "host", "port");
            String host = (String) checked.get("host");
            seeds.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + checked.get("port"));
        }
        return seeds;
    }

    /**
     * {@code HOST:PORT}, the host a name, an IPv4 address or a bracketed IPv6 address ({@code [::1]:8080}); an
     * unbracketed IPv6 address is refused, because which colon starts the port would be a guess.
     */
    private static void hostPort(Map<String, Object> paths, String origin, String name, String value,
                                 String hostPath, String portPath) {
        String text = value.trim();
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        String portText = colon < 0 ? "" : text.substring(colon + 1);
        int port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            host = "";
        }
        if (host.isEmpty() || port > 65535 || port < 0) {
            throw new NodeStartException("bad " + origin + " " + name + ": expected HOST:PORT (port 0..65535, IPv6 as "
                    + "[::1]:PORT), got '" + value + "'");
        }
        paths.put(hostPath, host);
        paths.put(portPath, port);
    }
}
