package io.corecache.cli;

import com.typesafe.config.Config;
import io.corecache.cluster.NodeSettings;
import io.corecache.cluster.NodeStartException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a node's settings come from, highest first: flags, {@code CORECACHE_*} environment variables, the
 * --config file (or CORECACHE_CONFIG), conf/application.conf. Each layer is given here explicitly (the
 * environment is a map), so the test is independent of the machine it runs on.
 */
class NodeConfigTest {

    @TempDir
    Path dir;

    private static final Map<String, String> NONE = Map.of();

    private Path file(String content) throws IOException {
        Path file = dir.resolve("node.conf");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void withNoLayersTheDocumentedDefaultsApply() {
        Config c = NodeConfig.load(NONE, NONE, null);
        assertEquals("data", c.getString("corecache.data-dir"));
        assertEquals("127.0.0.1", c.getString("corecache.http.host"));
        assertEquals(8080, c.getInt("corecache.http.port"));
        assertEquals("127.0.0.1", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25520, c.getInt("pekko.remote.artery.canonical.port"));
        assertEquals("127.0.0.1", c.getString("pekko.management.http.hostname"));
        assertEquals(8558, c.getInt("pekko.management.http.port"));
        assertEquals("127.0.0.1", c.getString("corecache.resp.host"));
        assertEquals(6380, c.getInt("corecache.resp.port"));
        assertTrue(c.getBoolean("corecache.resp.enabled"));
        assertEquals("", c.getString("corecache.resp.password"));
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsTheDefaults() throws IOException {
        Path config = file("corecache { data-dir = from-file, engine = lsm, durability = none, http.port = 1 }\n"
                + "corecache.partitions = 16\n");
        Map<String, String> env = Map.of("CORECACHE_DATA", "from-env", "CORECACHE_HTTP", "10.0.0.2:2",
                "CORECACHE_PARTITIONS", "32");
        Map<String, String> flags = Map.of("corecache.data-dir", "from-flag");

        Config c = NodeConfig.load(flags, env, config);
        assertEquals("from-flag", c.getString("corecache.data-dir"), "flag over environment");
        assertEquals("10.0.0.2", c.getString("corecache.http.host"), "environment over file");
        assertEquals(2, c.getInt("corecache.http.port"), "environment over file");
        assertEquals(32, c.getInt("corecache.partitions"), "environment over file");
        assertEquals("lsm", c.getString("corecache.engine"), "file over defaults");
        assertEquals("none", c.getString("corecache.durability"), "file over defaults");
        assertEquals(4096, c.getBytes("corecache.limits.max-key-bytes").intValue(), "defaults under everything");

        Config withoutFlag = NodeConfig.load(NONE, env, config);
        assertEquals("from-env", withoutFlag.getString("corecache.data-dir"));
        Config fileOnly = NodeConfig.load(NONE, NONE, config);
        assertEquals("from-file", fileOnly.getString("corecache.data-dir"));
        assertEquals(1, fileOnly.getInt("corecache.http.port"));
    }

    @Test
    void aHostPortFlagBeatsTheSameSettingFromTheEnvironment() {
        Config c = NodeConfig.load(Map.of("http", "flag-host:3", "remote", "r:4", "management", "m:5"),
                Map.of("CORECACHE_HTTP", "env-host:2", "CORECACHE_REMOTE", "er:6", "CORECACHE_MANAGEMENT", "em:7"), null);
        assertEquals("flag-host", c.getString("corecache.http.host"));
        assertEquals(3, c.getInt("corecache.http.port"));
        assertEquals("r", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(4, c.getInt("pekko.remote.artery.canonical.port"));
        assertEquals("m", c.getString("pekko.management.http.hostname"));
        assertEquals(5, c.getInt("pekko.management.http.port"));
    }

    @Test
    void everyEnvironmentVariableSetsItsSetting() {
        Map<String, String> env = new HashMap<>();
        env.put("CORECACHE_DATA", "/var/lib/corecache");
        env.put("CORECACHE_ENGINE", "lsm");
        env.put("CORECACHE_PARTITIONS", "128");
        env.put("CORECACHE_DURABILITY", "interval");
        env.put("CORECACHE_HTTP", "0.0.0.0:80");
        env.put("CORECACHE_REMOTE", "node1.example:25521");
        env.put("CORECACHE_MANAGEMENT", "[::1]:8559");
        env.put("CORECACHE_RESP", "0.0.0.0:6390");
        env.put("CORECACHE_RESP_PASSWORD", "s3cret");
        Config c = NodeConfig.load(NONE, env, null);
        assertEquals("/var/lib/corecache", c.getString("corecache.data-dir"));
        assertEquals("lsm", c.getString("corecache.engine"));
        assertEquals(128, c.getInt("corecache.partitions"));
        assertEquals("interval", c.getString("corecache.durability"));
        assertEquals("0.0.0.0", c.getString("corecache.http.host"));
        assertEquals(80, c.getInt("corecache.http.port"));
        assertEquals("node1.example", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25521, c.getInt("pekko.remote.artery.canonical.port"));
        assertEquals("::1", c.getString("pekko.management.http.hostname"), "brackets of an IPv6 address are removed");
        assertEquals(8559, c.getInt("pekko.management.http.port"));
        assertEquals("0.0.0.0", c.getString("corecache.resp.host"));
        assertEquals(6390, c.getInt("corecache.resp.port"));
        assertEquals("s3cret", c.getString("corecache.resp.password"));
    }

    @Test
    void theRespFlagBeatsTheEnvironment() {
        Config c = NodeConfig.load(Map.of("resp", "127.0.0.2:7000"), Map.of("CORECACHE_RESP", "0.0.0.0:6390"), null);
        assertEquals("127.0.0.2", c.getString("corecache.resp.host"));
        assertEquals(7000, c.getInt("corecache.resp.port"));
    }

    @Test
    void blankEnvironmentVariablesAreIgnored() {
        Config c = NodeConfig.load(NONE, Map.of("CORECACHE_DATA", "  ", "CORECACHE_HTTP", "", "CORECACHE_CONFIG", " "),
                null);
        assertEquals("data", c.getString("corecache.data-dir"));
        assertEquals(8080, c.getInt("corecache.http.port"));
    }

    @Test
    void corecacheConfigNamesTheFileAndConfigFlagBeatsIt() throws IOException {
        Path fromEnv = dir.resolve("env.conf");
        Files.writeString(fromEnv, "corecache.data-dir = env-file");
        Path fromFlag = file("corecache.data-dir = flag-file");
        assertEquals("env-file", NodeConfig.load(NONE, Map.of("CORECACHE_CONFIG", fromEnv.toString()), null)
                .getString("corecache.data-dir"));
        assertEquals("flag-file", NodeConfig.load(NONE, Map.of("CORECACHE_CONFIG", fromEnv.toString()), fromFlag)
                .getString("corecache.data-dir"));
    }

    @Test
    void environmentValuesReachTheNodeSettingsAndBadOnesAreNamed() {
        assertEquals(32, NodeSettings.from(NodeConfig.load(NONE, Map.of("CORECACHE_PARTITIONS", "32"), null)).partitions());
        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> NodeSettings.from(NodeConfig.load(NONE, Map.of("CORECACHE_PARTITIONS", "lots"), null)));
        assertTrue(refused.getMessage().contains("partitions"), refused.getMessage());
        assertTrue(refused.getMessage().contains("environment"), "says where the value came from: "
                + refused.getMessage());
    }

    @Test
    void goodHostPortValuesAreSplitIntoHostAndPort() {
        Object[][] good = {{"localhost:8081", "localhost", 8081}, {"0.0.0.0:0", "0.0.0.0", 0},
                {"[::1]:9000", "::1", 9000}, {"[fe80::1]:65535", "fe80::1", 65535}, {" host:1 ", "host", 1}};
        for (Object[] g : good) {
            Config c = NodeConfig.load(Map.of("http", (String) g[0]), NONE, null);
            assertEquals(g[1], c.getString("corecache.http.host"), (String) g[0]);
            assertEquals(g[2], c.getInt("corecache.http.port"), (String) g[0]);
        }
    }

    @Test
    void badHostPortValuesAreRefusedWithAClearMessage() {
        for (String bad : List.of("8080", ":8080", "host:", "host:http", "host:65536", "host:-1", "host:+80",
                "::1:8080", "[::1]", "[]:80", "host:80:81", "host: 80", "host:123456")) {
            NodeStartException refused = assertThrows(NodeStartException.class,
                    () -> NodeConfig.load(Map.of("http", bad), NONE, null), bad);
            assertTrue(refused.getMessage().contains("'" + bad + "'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("HOST:PORT"), refused.getMessage());
            assertTrue(refused.getMessage().contains("flag http"), "names where it came from: " + refused.getMessage());
        }
        NodeStartException fromEnv = assertThrows(NodeStartException.class,
                () -> NodeConfig.load(NONE, Map.of("CORECACHE_REMOTE", "nowhere"), null));
        assertTrue(fromEnv.getMessage().contains("environment remote"), fromEnv.getMessage());
    }

    @Test
    void aMissingUnreadableOrBrokenConfigFileIsRefusedNamingIt() throws IOException {
        Path missing = dir.resolve("missing.conf");
        NodeStartException refused = assertThrows(NodeStartException.class, () -> NodeConfig.load(NONE, NONE, missing));
        assertTrue(refused.getMessage().contains(missing.toAbsolutePath().toString())
                && refused.getMessage().contains("does not exist"), refused.getMessage());

        refused = assertThrows(NodeStartException.class, () -> NodeConfig.load(NONE, NONE, dir));
        assertTrue(refused.getMessage().contains("not a readable file"), refused.getMessage());

        Path broken = file("corecache { data-dir = ");
        refused = assertThrows(NodeStartException.class, () -> NodeConfig.load(NONE, NONE, broken));
        assertTrue(refused.getMessage().contains(broken.toAbsolutePath().toString()), refused.getMessage());

        Path unresolved = dir.resolve("unresolved.conf");
        Files.writeString(unresolved, "corecache.data-dir = ${NO_SUCH_SETTING_ANYWHERE}");
        refused = assertThrows(NodeStartException.class, () -> NodeConfig.load(NONE, NONE, unresolved));
        assertTrue(refused.getMessage().contains("NO_SUCH_SETTING_ANYWHERE"), refused.getMessage());

        refused = assertThrows(NodeStartException.class,
                () -> NodeConfig.load(NONE, Map.of("CORECACHE_CONFIG", missing.toString()), null));
        assertTrue(refused.getMessage().contains("CORECACHE_CONFIG"), refused.getMessage());
    }
}
