package io.corecache.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory stays locked against other processes for as long as its node holds it, whatever other
 * nodes in the same JVM try: a second node refused on the directory must not drop the first one's OS lock
 * (closing any channel on the lock file would, which is what a second {@code tryLock} in the same JVM
 * used to do). Once the holder closes, the directory is free again, for this JVM and for others.
 *
 * <p>"Another process" is real: a small JVM started by the test tries the same lock a node would take.
 */
class DataDirLockTest {

    @Test
    void aRefusedSecondNodeInThisJvmLeavesTheDirectoryLockedAgainstOtherProcesses(@TempDir Path dir)
            throws Exception {
        Path lockFile = dir.resolve("LOCK");
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertEquals("refused", otherProcessTriesToLock(lockFile));

            NodeStartException refused = assertThrows(NodeStartException.class, () -> DataDirLock.acquire(dir));
            assertTrue(refused.getMessage().contains("in use by another running node"), refused.getMessage());
            // The same directory by another name is the same directory.
            assertThrows(NodeStartException.class, () -> DataDirLock.acquire(dir.resolve(".")));

            assertEquals("refused", otherProcessTriesToLock(lockFile), "the first node's lock still holds");
        }
        assertEquals("locked", otherProcessTriesToLock(lockFile), "closed, the directory is free for others");
        DataDirLock.acquire(dir).close(); // and for this JVM again
    }

    /** What a node in another process would get: "locked" or "refused". */
    private static String otherProcessTriesToLock(Path lockFile) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes = Path.of(TryLock.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process process = new ProcessBuilder(java.toString(), "-Xmx32m", "-cp", classes, TryLock.class.getName(),
                lockFile.toString()).redirectErrorStream(true).start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the other process ended");
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, process.exitValue(), out);
            return out;
        } finally {
            process.destroyForcibly();
        }
    }

    /** The other process: tries the lock a node takes on its data directory, says how it went, lets go. */
    public static final class TryLock {
        public static void main(String[] args) throws IOException {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                System.out.println(lock == null ? "refused" : "locked");
            }
        }
    }
}
