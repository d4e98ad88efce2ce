package io.corecache.engine.lsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Tables, edits and directory listings for the manifest and version tests. */
final class ManifestFixtures {

    private ManifestFixtures() {
    }

    static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A table of {@code [smallest, largest]} whose size and entry count derive from its number. */
    static TableFile table(long number, int level, String smallest, String largest, long minSequence,
                           long maxSequence) {
        return new TableFile(number, level, 1_000 + number, key(smallest), key(largest), minSequence, maxSequence,
                10 + number);
    }

    /** A level-0 table as a flush makes it: sequences {@code [10n, 10n + 9]}. */
    static TableFile flushed(long number, String smallest, String largest) {
        return table(number, 0, smallest, largest, number * 10, number * 10 + 9);
    }

    static VersionEdit adding(TableFile... tables) {
        VersionEdit.Builder edit = VersionEdit.builder();
        for (TableFile table : tables) {
            edit.addTable(table);
        }
        return edit.build();
    }

    /**
     * A random edit that applies to {@code model}'s current state, shaped like what the engine logs: a
     * flush (a level-0 table, counters raised), a compaction of level 0 into level 1, a table moved one
     * level down, a table dropped, or counters alone. Tables above level 0 get a key range derived from
     * their number ({@code "t<number>a" .. "t<number>z"}), so they never overlap one another.
     */
    static VersionEdit randomEdit(Random random, VersionSet model) {
        Version version = model.current();
        long number = model.nextFileNumber();
        VersionEdit.Builder edit = VersionEdit.builder();
        int kind = random.nextInt(8); // 0, 5, 6, 7: flushes, so the tree grows
        if (kind == 1 && !version.files(0).isEmpty()) {
            version.files(0).forEach(t -> edit.removeTable(0, t.number()));
            edit.addTable(sorted(number, 1, version.files(0).size()));
        } else if (kind == 2 || kind == 3) {
            List<TableFile> deeper = new ArrayList<>();
            for (int level = 1; level < Version.LEVELS - 1; level++) {
                deeper.addAll(version.files(level));
            }
            if (deeper.isEmpty()) {
                return randomEdit(random, model);
            }
            TableFile chosen = deeper.get(random.nextInt(deeper.size()));
            edit.removeTable(chosen.level(), chosen.number());
            if (kind == 2) {
                edit.addTable(chosen.atLevel(chosen.level() + 1));
            }
        } else if (kind == 4) {
            edit.appliedRevision(model.appliedRevision() + random.nextInt(100));
        } else {
            char a = (char) ('a' + random.nextInt(26));
            char b = (char) (a + random.nextInt('z' - a + 1));
            long firstSequence = model.lastSequence() + 1;
            long lastSequence = firstSequence + random.nextInt(1_000);
            edit.addTable(new TableFile(number, 0, 4_096 + random.nextInt(1 << 20), key(a + "1"), key(b + "9"),
                    firstSequence, lastSequence, 1 + random.nextInt(10_000)));
            edit.lastSequence(lastSequence).logNumber(number).appliedRevision(model.appliedRevision() + 1);
        }
        return edit.build();
    }

    /** A table above level 0 with the key range of its number. */
    static TableFile sorted(long number, int level, long entries) {
        String prefix = String.format("t%08d", number);
        return new TableFile(number, level, 2_000_000 + number, key(prefix + "a"), key(prefix + "z"), 1, 10,
                entries);
    }

    /** The names in {@code dir}, sorted, read straight from the disk. */
    static List<String> names(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> manifestNames(Path dir) {
        return names(dir).stream().filter(n -> n.startsWith(LsmFiles.MANIFEST_PREFIX)).toList();
    }
}
