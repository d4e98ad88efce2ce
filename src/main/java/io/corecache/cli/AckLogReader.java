package io.corecache.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one thread's {@link AckLog} incrementally: each call returns the writes logged since the last call.
 * Call it only while no writer process is alive.
 *
 * <p>A last line without its newline is a record the killed writer was still writing: an intent whose
 * engine call never started, or an ack the engine had already earned (the log may lag). Either way it is
 * dropped, and cut off the file so the next writer appends whole lines after it.
 *
 * <p>A thread has at most one write in flight, so in what one call returns only the last write can lack
 * its ack. An intent without an ack followed by another intent means a writer crash went unverified; that
 * is a misuse of the tool and is refused rather than guessed at.
 */
final class AckLogReader {

    private final Path file;
    private final int thread;
    private long offset;

    AckLogReader(Path logDir, int thread) {
        this.file = AckLog.path(logDir, thread);
        this.thread = thread;
    }

    List<LoggedWrite> readNew() {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size - offset > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException(file + " grew by more than 2 GiB between two verifications");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) (size - offset));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) >= 0) {
                // keep reading until the buffer holds everything up to the size we saw
            }
            bytes = buffer.array();
            int whole = lastNewline(bytes) + 1;
            if (whole < bytes.length) {
                channel.truncate(offset + whole);
            }
            offset += whole;
            return parse(new String(bytes, 0, whole, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ack log " + file, e);
        }
    }

    private List<LoggedWrite> parse(String text) {
        List<LoggedWrite> writes = new ArrayList<>();
        LoggedWrite inFlight = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(" ");
            if (fields[0].equals("I") && fields.length == 6) {
                if (inFlight != null) {
                    throw new IllegalStateException(file + ": " + inFlight + " has no ack yet another write follows"
                            + " it; the verifier must run after every writer crash");
                }
                inFlight = new LoggedWrite(thread, new WriteId(Integer.parseInt(fields[1]), Long.parseLong(fields[2])),
                        Long.parseLong(fields[3]), LoggedWrite.Kind.of(fields[4].charAt(0)), effects(fields[5]), false);
            } else if (fields[0].equals("A") && fields.length == 3) {
                WriteId id = new WriteId(Integer.parseInt(fields[1]), Long.parseLong(fields[2]));
                if (inFlight == null || !inFlight.id().equals(id)) {
                    throw new IllegalStateException(file + ": ack of " + id + " does not follow its intent");
                }
                writes.add(inFlight.acknowledged());
                inFlight = null;
            } else {
                throw new IllegalStateException(file + ": unreadable line '" + line + "'");
            }
        }
        if (inFlight != null) {
            writes.add(inFlight);
        }
        return writes;
    }

    private static List<LoggedWrite.Effect> effects(String field) {
        List<LoggedWrite.Effect> effects = new ArrayList<>();
        for (String effect : field.split(",")) {
            effects.add(new LoggedWrite.Effect(Integer.parseInt(effect.substring(1)), effect.charAt(0) == '+'));
        }
        return effects;
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
