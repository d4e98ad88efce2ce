package io.corecache.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * A {@link FileOps} over the real file system ({@link FileOps#DEFAULT} unless given another) that can lose
 * power, fail chosen operations and count what the engine asked of the disk. For tests only.
 *
 * <p><b>What a crash models.</b> {@link #crash} is a power loss, not a process kill. The kernel's page cache
 * is gone, so the disk keeps only what was made durable:
 * <ul>
 *   <li>A file's bytes up to its length at its last successful {@code sync()}. What happens to bytes appended
 *       after that is chosen per crash ({@link LostWrites}): cut off (the size never reached the disk), or
 *       still there but overwritten with zeros (the size did, the data pages did not) or random garbage (a
 *       torn write exposing whatever the sectors held). Optionally the first {@code keepUnsynced} of them
 *       survive intact, as when write-back got part of the way. Space a handle had allocated ahead of
 *       its appends (a memory-mapped file grows in large sparse steps) stays allocated, reading as zeros.</li>
 *   <li>A directory's entries as of its last {@code syncDirectory()}: a file created since then is gone, a
 *       rename since then is undone and a file deleted since then is back (its bytes are kept aside until
 *       the deletion is durable). With {@link Metadata#IMMEDIATE} every creation, rename and deletion is
 *       durable at once instead, in order, as on a file system that journals metadata in order.</li>
 * </ul>
 * Files this instance first sees already on disk count as durable, with all their bytes. After a crash the
 * instance is dead: every handle it gave out, and every call, throws {@link IOException}, so the engine that
 * used it cannot write any more. Reopen with a fresh {@code FaultyFileOps} (or {@link FileOps#DEFAULT}).
 *
 * <p><b>Faults.</b> Rules fail or crash on the nth call of an operation whose path matches a predicate
 * ({@link #failAt}, {@link #crashAt}, {@link #failSyncs}); a failed call throws before touching the disk,
 * so a failed sync leaves its bytes unsynced. Rules run before the call takes any lock, so a rule may crash
 * from the very thread the engine is calling from.
 *
 * <p><b>Counts.</b> {@link #count} tells how many times each operation was called (including the calls that
 * failed), per path if wanted: tests use it to check, for instance, that group commit shares fsyncs.
 *
 * <p>Implementation notes: each file is a {@code Node} (think inode) that remembers how many bytes were
 * appended to it, how many of those are synced, and where its bytes are now (the file on disk may be
 * longer than what was appended, when the handle allocates ahead). A file whose deletion is not yet
 * durable is renamed to a hidden name (prefix {@value #HIDDEN_PREFIX}) in its directory, which
 * {@link #list} and {@link #exists} do not show; open handles keep working either way, as on Linux. Every
 * call holds the read side of {@code crashLock}; a crash takes the write side, so it happens between
 * calls, never inside one, and closes the real handles before it rewrites the files.
 */
public final class FaultyFileOps implements FileOps {

    /** The operations of {@link FileOps} and {@link FileHandle}, for rules and counts. */
    public enum Op {
        OPEN_READ, CREATE, OPEN_APPEND, LIST, EXISTS, SIZE, RENAME, DELETE, CREATE_DIRECTORIES, SYNC_DIRECTORY,
        READ, APPEND, SYNC, FILE_SIZE, FINISH_APPENDING, TRUNCATE, CLOSE
    }

    /** What a crash does to the bytes appended to a file since its last sync. */
    public enum LostWrites {
        /** The file is cut back to its synced length. */
        CUT,
        /** The file keeps its length, but the unsynced bytes read back as zeros. */
        ZEROS,
        /** The file keeps its length, but the unsynced bytes are random garbage. */
        GARBAGE
    }

    /** When creations, renames and deletions become durable. */
    public enum Metadata {
        /** Only at the next {@code syncDirectory()} of their directory (what POSIX promises). */
        ON_DIRECTORY_SYNC,
        /** At once and in order (what a file system journaling metadata in order gives). */
        IMMEDIATE
    }

    /** Runs before an operation; may throw to fail it, or crash. */
    @FunctionalInterface
    public interface Hook {
        void before(Op op, Path path) throws IOException;
    }

    static final String HIDDEN_PREFIX = ".faulty-unlinked-";

    private final FileOps disk;
    private final Random random;
    private final Metadata metadata;
    private final ReentrantReadWriteLock crashLock = new ReentrantReadWriteLock(true);
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final Map<Op, Map<Path, AtomicLong>> counts = new ConcurrentHashMap<>();
    private final AtomicInteger hiddenNames = new AtomicInteger();
    private volatile boolean crashed;
    private volatile Duration syncLatency = Duration.ZERO;

    // Guarded by "this".
    private final Map<Path, Map<String, Node>> visible = new HashMap<>();
    private final Map<Path, Map<String, Node>> durable = new HashMap<>();
    private final Set<Handle> open = new HashSet<>();

    /** Over {@link FileOps#DEFAULT}; metadata durable at directory sync; garbage from a fixed seed. */
    public FaultyFileOps() {
        this(Metadata.ON_DIRECTORY_SYNC, 42);
    }

    public FaultyFileOps(Metadata metadata, long seed) {
        this(FileOps.DEFAULT, metadata, seed);
    }

    /** Over {@code disk}, which must be a real file system ({@link FileOps#MAPPED} or {@link FileOps#CHANNELS}). */
    public FaultyFileOps(FileOps disk, Metadata metadata, long seed) {
        this.disk = disk;
        this.metadata = metadata;
        this.random = new Random(seed);
    }

    // ------------------------------------------------------------------------------------------------ faults

    /** Matches files whose name ends with {@code suffix} (".data" does not match "x.data.merging"). */
    public static Predicate<Path> nameEndsWith(String suffix) {
        return path -> path.getFileName().toString().endsWith(suffix);
    }

    /** Fails the next {@code count} syncs of files matching {@code which} ({@code Integer.MAX_VALUE}: all). */
    public FaultyFileOps failSyncs(int count, Predicate<Path> which) {
        rules.add(new Rule(Op.SYNC, which, 1, count, false));
        return this;
    }

    /** Fails every sync from now on. */
    public FaultyFileOps failAllSyncs() {
        return failSyncs(Integer.MAX_VALUE, path -> true);
    }

    /** Fails (throws, changes nothing) the {@code nth} call of {@code op} on a path matching {@code which}. */
    public FaultyFileOps failAt(Op op, Predicate<Path> which, int nth) {
        rules.add(new Rule(op, which, nth, 1, false));
        return this;
    }

    /** Crashes just before the {@code nth} call of {@code op} on a path matching {@code which}; that call throws. */
    public FaultyFileOps crashAt(Op op, Predicate<Path> which, int nth) {
        return crashAt(op, which, nth, 0, LostWrites.CUT);
    }

    /** As {@link #crashAt(Op, Predicate, int)}, losing unsynced bytes as {@link #crash(long, LostWrites)} does. */
    public FaultyFileOps crashAt(Op op, Predicate<Path> which, int nth, long keepUnsynced, LostWrites rest) {
        Rule rule = new Rule(op, which, nth, 1, true);
        rule.keepUnsynced = keepUnsynced;
        rule.rest = rest;
        rules.add(rule);
        return this;
    }

    /** Runs {@code hook} before every operation (after the rules); it may throw or call {@link #crash}. */
    public FaultyFileOps beforeEach(Hook hook) {
        hooks.add(hook);
        return this;
    }

    /** Every sync takes at least this long: a slow disk, so concurrent writers pile up behind an fsync. */
    public FaultyFileOps syncLatency(Duration latency) {
        this.syncLatency = latency;
        return this;
    }

    /** Removes every rule and hook. */
    public FaultyFileOps heal() {
        rules.clear();
        hooks.clear();
        return this;
    }

    /** How many times the rules have failed or crashed a call. */
    public int faultsInjected() {
        int total = 0;
        for (Rule rule : rules) {
            total += rule.fired.get();
        }
        return total;
    }

    // ------------------------------------------------------------------------------------------------ counts

    /** Calls of {@code op} so far, on any path. */
    public long count(Op op) {
        return count(op, path -> true);
    }

    /** Calls of {@code op} so far on paths matching {@code which}. */
    public long count(Op op, Predicate<Path> which) {
        long total = 0;
        for (Map.Entry<Path, AtomicLong> e : counts.getOrDefault(op, Map.of()).entrySet()) {
            if (which.test(e.getKey())) {
                total += e.getValue().get();
            }
        }
        return total;
    }

    /** Bytes appended to {@code file} since its last sync: what a crash now would lose (0 if unknown). */
    public synchronized long unsyncedBytes(Path file) throws IOException {
        Node node = lookup(file);
        return node == null ? 0 : Math.max(0, node.length - node.synced);
    }

    // ------------------------------------------------------------------------------------------------- crash

    public boolean crashed() {
        return crashed;
    }

    /** Power loss: every file loses its unsynced bytes ({@link LostWrites#CUT}). */
    public void crash() {
        crash(0, LostWrites.CUT);
    }

    /** Power loss: every file's unsynced bytes are lost as {@code lost} says. */
    public void crash(LostWrites lost) {
        crash(0, lost);
    }

    /**
     * Power loss where the first {@code keepUnsynced} unsynced bytes of each file did reach the disk and the
     * rest are lost as {@code rest} says. Idempotent: only the first crash does anything.
     */
    public void crash(long keepUnsynced, LostWrites rest) {
        crashLock.writeLock().lock();
        try {
            synchronized (this) {
                if (crashed) {
                    return;
                }
                crashed = true;
                try {
                    // Before closing: a handle may trim the space it allocated ahead when it closes.
                    Map<Node, Long> allocated = new IdentityHashMap<>();
                    for (Node node : knownNodes()) {
                        if (Files.exists(node.location)) {
                            allocated.put(node, Files.size(node.location));
                        }
                    }
                    for (Handle handle : open) {
                        closeQuietly(handle.delegate);
                    }
                    open.clear();
                    restoreDurableState(keepUnsynced, rest, allocated);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("simulating the crash failed", e);
                }
            }
        } finally {
            crashLock.writeLock().unlock();
        }
    }

    /** Files whose bytes are somewhere on disk: visible, or set aside while their deletion is not durable. */
    private Set<Node> knownNodes() {
        Set<Node> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        visible.values().forEach(names -> all.addAll(names.values()));
        durable.values().forEach(names -> all.addAll(names.values()));
        all.removeIf(node -> node.location == null);
        return all;
    }

    /** Puts every known directory back as the disk has it. Caller holds the write lock and "this". */
    private void restoreDurableState(long keepUnsynced, LostWrites rest, Map<Node, Long> allocated)
            throws IOException {
        Map<Node, Path> survivors = new IdentityHashMap<>();
        for (Map.Entry<Path, Map<String, Node>> dir : durable.entrySet()) {
            for (Map.Entry<String, Node> e : dir.getValue().entrySet()) {
                survivors.put(e.getValue(), dir.getKey().resolve(e.getKey()));
            }
        }
        // Lose unsynced bytes, set aside survivors not at their durable name, and drop what never was durable.
        List<Node> toPlace = new ArrayList<>();
        for (Node node : allocated.keySet()) {
            Path target = survivors.get(node);
            if (target == null) {
                Files.deleteIfExists(node.location);
                continue;
            }
            loseUnsyncedBytes(node, keepUnsynced, rest, allocated.get(node));
            if (!node.location.equals(target)) {
                Path aside = hiddenName(node.location.getParent());
                Files.move(node.location, aside);
                node.location = aside;
                toPlace.add(node);
            }
        }
        for (Node node : survivors.keySet()) {
            if (node.location == null) {
                throw new IllegalStateException("the simulation lost a durable file: " + survivors.get(node));
            }
        }
        for (Node node : toPlace) {
            Files.move(node.location, survivors.get(node));
            node.location = survivors.get(node);
        }
    }

    /** Applies the crash to one file's bytes {@code [synced + keepUnsynced, appended)}. */
    private void loseUnsyncedBytes(Node node, long keepUnsynced, LostWrites rest, long allocated)
            throws IOException {
        try (FileChannel channel = FileChannel.open(node.location, StandardOpenOption.WRITE)) {
            long end = Math.min(node.length, channel.size());
            long from = Math.min(end, node.synced + Math.max(0, keepUnsynced));
            if (rest == LostWrites.CUT) {
                channel.truncate(from);
            } else {
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
                for (long at = from; at < end; ) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
                    if (rest == LostWrites.GARBAGE) {
                        byte[] noise = new byte[chunk.limit()];
                        random.nextBytes(noise);
                        chunk.put(noise).flip();
                    }
                    at += channel.write(chunk, at);
                }
            }
            if (allocated > node.length && channel.size() < allocated) { // allocated ahead: still there, zeros
                channel.write(ByteBuffer.allocate(1), allocated - 1);
            }
            channel.force(false);
        }
    }

    // ------------------------------------------------------------------------------------------- FileOps

    @Override
    public FileHandle openRead(Path file) throws IOException {
        return call(Op.OPEN_READ, file, () -> wrap(file, disk.openRead(file)));
    }

    @Override
    public FileHandle create(Path file) throws IOException {
        return call(Op.CREATE, file, () -> {
            synchronized (this) {
                // Read the directory as it was (if this is the first look at it) before the new name exists:
                // read after, the new file would count as durable from the start.
                names(visible, file.getParent());
            }
            FileHandle handle = disk.create(file);
            synchronized (this) {
                Node node = new Node(file, 0);
                names(visible, file.getParent()).put(name(file), node);
                if (metadata == Metadata.IMMEDIATE) {
                    names(durable, file.getParent()).put(name(file), node);
                }
                return register(new Handle(handle, node));
            }
        });
    }

    @Override
    public FileHandle openAppend(Path file) throws IOException {
        return call(Op.OPEN_APPEND, file, () -> wrap(file, disk.openAppend(file)));
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return call(Op.LIST, dir, () -> {
            List<String> names = new ArrayList<>(disk.list(dir));
            names.removeIf(name -> name.startsWith(HIDDEN_PREFIX));
            return names;
        });
    }

    @Override
    public boolean exists(Path file) {
        try {
            return call(Op.EXISTS, file, () -> !name(file).startsWith(HIDDEN_PREFIX) && disk.exists(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public long size(Path file) throws IOException {
        return call(Op.SIZE, file, () -> disk.size(file));
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        call(Op.RENAME, from, () -> {
            synchronized (this) {
                Node moving = lookup(from);
                if (moving == null) { // appeared behind this instance's back: treat it as durable
                    moving = new Node(from, Files.size(from));
                    names(durable, from.getParent()).put(name(from), moving);
                }
                if (lookup(to) != null) {
                    unlink(to); // so the replaced file's bytes are kept if its name is still durable
                }
                disk.rename(from, to);
                names(visible, from.getParent()).remove(name(from));
                names(visible, to.getParent()).put(name(to), moving);
                moving.location = to;
                if (metadata == Metadata.IMMEDIATE) {
                    names(durable, from.getParent()).remove(name(from));
                    names(durable, to.getParent()).put(name(to), moving);
                }
            }
            return null;
        });
    }

    @Override
    public void delete(Path file) throws IOException {
        call(Op.DELETE, file, () -> {
            synchronized (this) {
                if (lookup(file) != null) {
                    unlink(file);
                } else {
                    disk.delete(file);
                }
            }
            return null;
        });
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        call(Op.CREATE_DIRECTORIES, dir, () -> {
            disk.createDirectories(dir);
            return null;
        });
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        call(Op.SYNC_DIRECTORY, dir, () -> {
            disk.syncDirectory(dir);
            synchronized (this) {
                durable.put(dir, new HashMap<>(names(visible, dir)));
                forgetUnreachableBytes();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------- the namespace

    /** One file's identity, as an inode: where its bytes are now, how many were appended and synced. */
    private static final class Node {
        /** The visible path, a hidden name while its deletion is not durable, or null once really gone. */
        Path location;
        /** Bytes appended (the handle's size); the file on disk may be longer if allocated ahead. */
        long length;
        long synced;

        Node(Path location, long length) {
            this.location = location;
            this.length = length;
            this.synced = length;
        }
    }

    /** The names of {@code dir} in {@code view}, read from the disk the first time (all durable then). */
    private Map<String, Node> names(Map<Path, Map<String, Node>> view, Path dir) throws IOException {
        if (!visible.containsKey(dir)) {
            Map<String, Node> found = new HashMap<>();
            if (Files.isDirectory(dir)) {
                for (String name : disk.list(dir)) {
                    Path path = dir.resolve(name);
                    if (!name.startsWith(HIDDEN_PREFIX) && Files.isRegularFile(path)) {
                        found.put(name, new Node(path, Files.size(path)));
                    }
                }
            }
            visible.put(dir, found);
            durable.put(dir, new HashMap<>(found));
        }
        return view.get(dir);
    }

    private Node lookup(Path file) throws IOException {
        return names(visible, file.getParent()).get(name(file));
    }

    /** Removes a visible name; keeps the bytes aside while a crash could still bring the name back. */
    private void unlink(Path file) throws IOException {
        Node node = names(visible, file.getParent()).remove(name(file));
        if (metadata == Metadata.IMMEDIATE) {
            names(durable, file.getParent()).remove(name(file));
        }
        if (isDurable(node)) {
            Path aside = hiddenName(file.getParent());
            disk.rename(file, aside);
            node.location = aside;
        } else {
            disk.delete(file);
            node.location = null;
        }
    }

    private boolean isDurable(Node node) {
        for (Map<String, Node> names : durable.values()) {
            if (names.containsValue(node)) {
                return true;
            }
        }
        return false;
    }

    /** Deletes bytes kept aside for names that a directory sync has now made gone for good. */
    private void forgetUnreachableBytes() throws IOException {
        Set<Node> reachable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        durable.values().forEach(names -> reachable.addAll(names.values()));
        visible.values().forEach(names -> reachable.addAll(names.values()));
        for (Path dir : visible.keySet()) {
            for (String name : disk.list(dir)) {
                if (name.startsWith(HIDDEN_PREFIX)) {
                    Path aside = dir.resolve(name);
                    boolean needed = reachable.stream().anyMatch(node -> aside.equals(node.location));
                    if (!needed) {
                        disk.delete(aside);
                    }
                }
            }
        }
    }

    private Path hiddenName(Path dir) {
        return dir.resolve(HIDDEN_PREFIX + hiddenNames.incrementAndGet());
    }

    private static String name(Path file) {
        return file.getFileName().toString();
    }

    // ------------------------------------------------------------------------------------------ handles

    private FileHandle wrap(Path file, FileHandle handle) throws IOException {
        synchronized (this) {
            Node node = lookup(file);
            if (node == null) { // appeared behind this instance's back: treat it as durable
                node = new Node(file, handle.size());
                names(visible, file.getParent()).put(name(file), node);
                names(durable, file.getParent()).put(name(file), node);
            }
            return register(new Handle(handle, node));
        }
    }

    private Handle register(Handle handle) {
        open.add(handle);
        return handle;
    }

    private final class Handle implements FileHandle {
        final FileHandle delegate;
        final Node node;
        private final Path path;

        Handle(FileHandle delegate, Node node) {
            this.delegate = delegate;
            this.node = node;
            this.path = delegate.path();
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return call(Op.READ, path, () -> delegate.read(dst, position));
        }

        @Override
        public void append(ByteBuffer src) throws IOException {
            call(Op.APPEND, path, () -> {
                delegate.append(src);
                long length = delegate.size();
                synchronized (FaultyFileOps.this) {
                    node.length = length;
                }
                return null;
            });
        }

        @Override
        public void sync() throws IOException {
            call(Op.SYNC, path, () -> {
                // The size before the fsync: bytes appended meanwhile by another thread may not be covered.
                long size = delegate.size();
                sleep(syncLatency);
                delegate.sync();
                synchronized (FaultyFileOps.this) {
                    node.synced = Math.max(node.synced, size);
                }
                return null;
            });
        }

        @Override
        public long size() throws IOException {
            return call(Op.FILE_SIZE, path, delegate::size);
        }

        @Override
        public void finishAppending() throws IOException {
            call(Op.FINISH_APPENDING, path, () -> {
                delegate.finishAppending();
                return null;
            });
        }

        @Override
        public void truncate(long size) throws IOException {
            call(Op.TRUNCATE, path, () -> {
                delegate.truncate(size);
                synchronized (FaultyFileOps.this) {
                    node.length = size;
                    node.synced = Math.min(node.synced, size);
                }
                return null;
            });
        }

        @Override
        public void close() throws IOException {
            if (crashed) {
                return; // its descriptor died with the crash
            }
            call(Op.CLOSE, path, () -> {
                synchronized (FaultyFileOps.this) {
                    open.remove(this);
                }
                delegate.close();
                return null;
            });
        }
    }

    // -------------------------------------------------------------------------------------------- calls

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }

    /** Counts the call, applies the rules, then runs it unless the power is gone. */
    private <T> T call(Op op, Path path, IoCall<T> body) throws IOException {
        counts.computeIfAbsent(op, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(path, k -> new AtomicLong()).incrementAndGet();
        for (Rule rule : rules) {
            if (rule.matches(op, path)) {
                rule.fire(op, path);
            }
        }
        for (Hook hook : hooks) {
            hook.before(op, path);
        }
        crashLock.readLock().lock();
        try {
            if (crashed) {
                throw new IOException("simulated power loss: " + op + " " + path + " after the crash");
            }
            return body.run();
        } finally {
            crashLock.readLock().unlock();
        }
    }

    /** Fails or crashes matching calls: the {@code first}-th match and the {@code times - 1} after it. */
    private final class Rule {
        final Op op;
        final Predicate<Path> which;
        final int first;
        final int times;
        final boolean crash;
        final AtomicInteger seen = new AtomicInteger();
        final AtomicInteger fired = new AtomicInteger();
        long keepUnsynced;
        LostWrites rest = LostWrites.CUT;

        Rule(Op op, Predicate<Path> which, int first, int times, boolean crash) {
            this.op = op;
            this.which = which;
            this.first = first;
            this.times = times;
            this.crash = crash;
        }

        boolean matches(Op candidate, Path path) {
            if ((op != null && op != candidate) || !which.test(path)) {
                return false;
            }
            long n = seen.incrementAndGet();
            return n >= first && n - first < times;
        }

        void fire(Op candidate, Path path) throws IOException {
            fired.incrementAndGet();
            if (crash) {
                crash(keepUnsynced, rest);
                throw new IOException("simulated power loss before " + candidate + " " + path);
            }
            throw new IOException("injected failure of " + candidate + " " + path);
        }
    }

    private static void sleep(Duration latency) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(FileHandle handle) {
        try {
            handle.close();
        } catch (IOException ignored) {
            // the descriptor is being thrown away with the simulated power
        }
    }
}
