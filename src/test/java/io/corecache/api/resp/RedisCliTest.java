package io.corecache.api.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * redis-cli (Debian's redis-tools, which .ci/run installs) against a real node: single commands, commands
 * piped on stdin, --scan, and --pipe mass insertion.
 */
class RedisCliTest {

    private static final String REDIS_CLI = "/usr/bin/redis-cli";

    @TempDir
    static Path dir;
    private static RespNode node;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(Path.of(REDIS_CLI))) {
            fail(REDIS_CLI + " is missing: install redis-tools (.ci/run does)");
        }
        node = RespNode.start(dir, Map.of("corecache.durability", "interval"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Runs redis-cli with {@code args}, feeding {@code stdin}; returns its output lines. */
    private static List<String> cli(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p", Integer.toString(node.port())));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("redis-cli " + String.join(" ", args) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void singleCommandsAnswerAsFromRedis() throws Exception {
        assertEquals(List.of("PONG"), cli("", "PING"));
        assertEquals(List.of("OK"), cli("", "SET", "greeting", "hello world"));
        assertEquals(List.of("hello world"), cli("", "GET", "greeting"));
        assertEquals(List.of("(integer) 1"), cli("", "--no-raw", "INCR", "visits"));
        assertEquals(List.of("(nil)"), cli("", "--no-raw", "GET", "absent"));
        List<String> error = cli("", "INCR", "greeting");
        assertEquals(List.of("ERR value is not an integer or out of range"), error);
        assertEquals(List.of("(integer) 1"), cli("", "--no-raw", "DEL", "greeting"));
    }

    @Test
    void commandsPipedOnStdinRunInOrder() throws Exception {
        List<String> out = cli("SET a 1\nINC a 41\nGETP nothing\nGET a\nAPPEND a !\nGET a\n");
        assertEquals(List.of("OK", "42", "", "42", "3", "42!"), out);
    }

    @Test
    void scanWalksEveryKeyOnce() throws Exception {
        StringBuilder commands = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            commands.append("SET scan:").append(i).append(" v\n");
        }
        cli(commands.toString());
        List<String> keys = cli("", "--scan", "--pattern", "scan:*");
        assertEquals(300, keys.size(), "keys: " + keys.size());
        assertEquals(300, keys.stream().distinct().count());
        assertTrue(keys.stream().allMatch(k -> k.startsWith("scan:")));
    }

    @Test
    void pipeModeInsertsInBulk() throws Exception {
        StringBuilder protocol = new StringBuilder();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            String key = "bulk:" + i;
            protocol.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key)
                    .append("\r\n$1\r\nx\r\n");
        }
        List<String> out = cli(protocol.toString(), "--pipe");
        assertTrue(out.stream().anyMatch(line -> line.contains("errors: 0, replies: " + n)), String.join("\n", out));
        assertEquals(List.of("x"), cli("", "GET", "bulk:" + (n - 1)));
    }
}
