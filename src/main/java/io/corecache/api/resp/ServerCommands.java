package io.corecache.api.resp;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Commands about the connection and the server: PING, ECHO, AUTH, HELLO, SELECT, TIME, INFO, COMMAND,
 * CLIENT, CONFIG GET, QUIT/EXIT. They answer what clients and redis-cli/redis-benchmark ask on connecting.
 */
final class ServerCommands {

    /** What INFO and HELLO report as the Redis version: the command set CoreCache follows. */
    static final String REDIS_VERSION = "7.0.0";

    private final RespEndpoint endpoint;
    private final InstantSource clock;

    private ServerCommands(RespEndpoint endpoint, InstantSource clock) {
        this.endpoint = endpoint;
        this.clock = clock;
    }

    static void register(CommandTable table, RespEndpoint endpoint, InstantSource clock) {
        ServerCommands server = new ServerCommands(endpoint, clock);
        table.server("ping", -1, ServerCommands::ping);
        table.server("echo", 2, call -> done(RespValue.bulk(call.arg(1))));
        table.server("quit", -1, call -> done(RespValue.OK));
        table.server("exit", -1, call -> done(RespValue.OK));
        table.server("auth", -2, server::auth);
        table.server("hello", -1, server::hello);
        table.server("select", 2, call -> {
            if (call.integer(1) != 0) {
                throw CommandError.err("DB index is out of range");
            }
            return done(RespValue.OK);
        });
        table.server("time", 1, call -> {
            Instant now = clock.instant();
            return done(RespValue.array(List.of(RespValue.bulk(Long.toString(now.getEpochSecond())),
                    RespValue.bulk(Long.toString(now.getNano() / 1000)))));
        });
        table.server("info", -1, server::info);
        table.server("command", -1, server::command);
        table.server("client", -2, server::client);
        table.server("config", -2, server::config);
    }

    private static CompletionStage<RespValue> done(RespValue value) {
        return CompletableFuture.completedFuture(value);
    }

    private static CompletionStage<RespValue> ping(Call call) {
        if (call.argc() > 2) {
            throw CommandError.err("wrong number of arguments for 'ping' command");
        }
        return done(call.argc() == 2 ? RespValue.bulk(call.arg(1)) : RespValue.PONG);
    }

    /** AUTH [default] password. */
    private CompletionStage<RespValue> auth(Call call) {
        if (call.argc() > 3) {
            throw CommandError.syntax();
        }
        if (call.argc() == 2 && !endpoint.settings().requiresAuth()) {
            throw CommandError.err("AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        }
        authenticate(call, call.argc() == 3 ? call.text(1) : "default", call.text(call.argc() - 1));
        return done(RespValue.OK);
    }

    /**
     * Without a password the default user needs none (Redis's "nopass"): AUTH default anything succeeds, so
     * clients configured with a user and password connect; only the one-argument form is refused, as Redis does.
     */
    private void authenticate(Call call, String user, String password) {
        if (!endpoint.settings().requiresAuth()) {
            if (!user.equals("default")) {
                throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
            }
            return;
        }
        if (!user.equals("default") || !endpoint.passwordMatches(password)) {
            throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
        }
        call.session().authenticate();
    }

    /** HELLO [2 [AUTH user pass] [SETNAME name]]: RESP3 is not spoken yet, so HELLO 3 is refused. */
    private CompletionStage<RespValue> hello(Call call) {
        if (call.argc() >= 2) {
            long version;
            try {
                version = call.integer(1);
            } catch (CommandError e) {
                throw CommandError.err("Protocol version is not an integer or out of range");
            }
            if (version != 2) {
                throw new CommandError("NOPROTO sorry, this protocol version is not supported");
            }
        }
        for (int i = 2; i < call.argc(); i++) {
            String option = call.option(i);
            if (option.equals("AUTH") && i + 2 < call.argc()) {
                authenticate(call, call.text(i + 1), call.text(i + 2));
                i += 2;
            } else if (option.equals("SETNAME") && i + 1 < call.argc()) {
                call.session().name(clientName(call.text(++i)));
            } else {
                throw CommandError.err("Syntax error in HELLO option '" + call.text(i) + "'");
            }
        }
        if (!call.session().authenticated()) {
            throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select "
                    + "the RESP protocol version at the same time");
        }
        return done(RespValue.array(List.of(
                RespValue.bulk("server"), RespValue.bulk("redis"),
                RespValue.bulk("version"), RespValue.bulk(REDIS_VERSION),
                RespValue.bulk("proto"), RespValue.integer(2),
                RespValue.bulk("id"), RespValue.integer(call.session().id()),
                RespValue.bulk("mode"), RespValue.bulk("standalone"),
                RespValue.bulk("role"), RespValue.bulk("master"),
                RespValue.bulk("modules"), RespValue.array(List.of()))));
    }

    private CompletionStage<RespValue> client(Call call) {
        String sub = call.option(1);
        RespSession session = call.session();
        switch (sub) {
            case "ID" -> {
                return done(RespValue.integer(session.id()));
            }
            case "GETNAME" -> {
                return done(session.name().isEmpty() ? RespValue.NIL : RespValue.bulk(session.name()));
            }
            case "SETNAME" -> {
                requireArgs(call, 3);
                session.name(clientName(call.text(2)));
                return done(RespValue.OK);
            }
            case "SETINFO" -> {
                requireArgs(call, 4);
                return done(RespValue.OK);
            }
            case "LIST" -> {
                StringBuilder list = new StringBuilder();
                for (RespSession s : endpoint.clients().all()) {
                    list.append(describe(s)).append('\n');
                }
                return done(RespValue.bulk(list.toString()));
            }
            case "INFO" -> {
                return done(RespValue.bulk(describe(session) + "\n"));
            }
            default -> throw CommandError.err("unknown subcommand '" + call.text(1) + "'. Try CLIENT HELP.");
        }
    }

    private static void requireArgs(Call call, int argc) {
        if (call.argc() != argc) {
            throw CommandError.err("wrong number of arguments for 'client|" + call.text(1).toLowerCase() + "' command");
        }
    }

    private static String clientName(String name) {
        for (char c : name.toCharArray()) {
            if (c < '!' || c > '~') {
                throw CommandError.err("Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return name;
    }

    private String describe(RespSession s) {
        long now = clock.millis();
        return "id=" + s.id() + " addr=" + address(s.remote()) + " laddr=" + address(s.local())
                + " name=" + s.name() + " age=" + (now - s.connectedAt()) / 1000
                + " idle=" + (now - s.lastActiveAt()) / 1000 + " db=0 cmd=" + s.lastCommand();
    }

    private static String address(InetSocketAddress address) {
        return address == null ? "?" : address.getHostString() + ":" + address.getPort();
    }

    /** CONFIG GET pattern [pattern ...] for the settings clients ask about; CONFIG SET is refused. */
    private CompletionStage<RespValue> config(Call call) {
        String sub = call.option(1);
        if (sub.equals("RESETSTAT")) {
            return done(RespValue.OK);
        }
        if (!sub.equals("GET") || call.argc() < 3) {
            if (sub.equals("SET")) {
                throw CommandError.err("CONFIG SET is not supported: settings are in conf/application.conf");
            }
            throw CommandError.err("unknown subcommand or wrong number of arguments for '" + call.text(1) + "'");
        }
        Map<String, String> settings = endpoint.configValues();
        List<RespValue> pairs = new ArrayList<>();
        for (int i = 2; i < call.argc(); i++) {
            Glob glob = new Glob(call.text(i).toLowerCase().getBytes(StandardCharsets.UTF_8));
            settings.forEach((name, value) -> {
                if (glob.matches(name.getBytes(StandardCharsets.UTF_8))) {
                    pairs.add(RespValue.bulk(name));
                    pairs.add(RespValue.bulk(value));
                }
            });
        }
        return done(RespValue.array(pairs));
    }

    /** INFO [section ...]: server, clients, stats and keyspace (default and "all": every one). */
    private CompletionStage<RespValue> info(Call call) {
        List<String> sections = new ArrayList<>();
        for (int i = 1; i < call.argc(); i++) {
            sections.add(call.text(i).toLowerCase());
        }
        boolean all = sections.isEmpty() || sections.contains("all") || sections.contains("default")
                || sections.contains("everything");
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (all || sections.contains("server")) {
            out.put("Server", endpoint.serverInfo());
        }
        if (all || sections.contains("clients")) {
            out.put("Clients", Map.of("connected_clients", Integer.toString(endpoint.clients().count()),
                    "maxclients", Integer.toString(endpoint.settings().maxConnections())));
        }
        if (all || sections.contains("stats")) {
            RespClients c = endpoint.clients();
            Map<String, String> stats = new LinkedHashMap<>();
            stats.put("total_connections_received", Long.toString(c.connectionsReceived.sum()));
            stats.put("total_commands_processed", Long.toString(c.commandsProcessed.sum()));
            stats.put("rejected_connections", Long.toString(c.connectionsRejected.sum()));
            stats.put("total_error_replies", Long.toString(c.errorReplies.sum()));
            out.put("Stats", stats);
        }
        if (!(all || sections.contains("keyspace"))) {
            return done(RespValue.bulk(format(out)));
        }
        return call.store().keyCount("info").thenApply(keys -> {
            out.put("Keyspace", keys == 0 ? Map.of() : Map.of("db0", "keys=" + keys + ",expires=0,avg_ttl=0"));
            return RespValue.bulk(format(out));
        });
    }

    private static String format(Map<String, Map<String, String>> sections) {
        StringBuilder text = new StringBuilder();
        sections.forEach((title, fields) -> {
            if (text.length() > 0) {
                text.append("\r\n");
            }
            text.append("# ").append(title).append("\r\n");
            fields.forEach((name, value) -> text.append(name).append(':').append(value).append("\r\n"));
        });
        return text.toString();
    }

    /** COMMAND, COMMAND COUNT, COMMAND INFO name..., COMMAND LIST, COMMAND DOCS (empty: no docs served). */
    private CompletionStage<RespValue> command(Call call) {
        if (call.argc() == 1) {
            List<RespValue> infos = new ArrayList<>();
            endpoint.table().all().forEach(spec -> infos.add(info(spec)));
            return done(RespValue.array(infos));
        }
        switch (call.option(1)) {
            case "COUNT" -> {
                return done(RespValue.integer(endpoint.table().all().size()));
            }
            case "LIST" -> {
                List<RespValue> names = new ArrayList<>();
                endpoint.table().all().forEach(spec -> names.add(RespValue.bulk(spec.name())));
                return done(RespValue.array(names));
            }
            case "INFO" -> {
                List<RespValue> infos = new ArrayList<>();
                for (int i = 2; i < call.argc(); i++) {
                    CommandSpec spec = endpoint.table().find(call.text(i).toLowerCase());
                    infos.add(spec == null ? RespValue.NIL_ARRAY : info(spec));
                }
                return done(RespValue.array(infos));
            }
            case "DOCS" -> {
                return done(RespValue.array(List.of()));
            }
            default -> throw CommandError.err("unknown subcommand '" + call.text(1) + "'. Try COMMAND HELP.");
        }
    }

    /** Redis 7's command info: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands. */
    private static RespValue info(CommandSpec spec) {
        List<RespValue> flags = new ArrayList<>();
        spec.flags().forEach(flag -> flags.add(new RespValue.Simple(flag)));
        return RespValue.array(List.of(RespValue.bulk(spec.name()), RespValue.integer(spec.arity()),
                RespValue.array(flags), RespValue.integer(spec.firstKey()), RespValue.integer(spec.lastKey()),
                RespValue.integer(spec.step()), RespValue.array(List.of()), RespValue.array(List.of()),
                RespValue.array(List.of()), RespValue.array(List.of())));
    }
}
