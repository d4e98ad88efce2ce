package io.corecache.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The writer side of one torture thread's ack log: a text file, one record per line, appended by
 * successive writer processes.
 *
 * <pre>
 * I &lt;generation&gt; &lt;seq&gt; &lt;revision&gt; &lt;P|D|B&gt; &lt;effects&gt;    intent: about to send this write
 * A &lt;generation&gt; &lt;seq&gt;                                 acknowledged: the engine call returned
 * </pre>
 *
 * effects is a comma-separated list of {@code +n} (put key n) and {@code -n} (delete key n).
 *
 * <p>Why it can be trusted after SIGKILL: each record goes to the kernel in one {@code write} call on an
 * unbuffered stream before the thread moves on, and a killed process loses nothing the kernel already has
 * (the page cache survives; only power loss would need an fsync). The intent is written before the engine
 * call and the ack after it returns, so the log can lag the engine but never lead it: an acked write was
 * certainly applied, and a write with an intent but no ack is the one that was in flight.
 */
final class AckLog implements AutoCloseable {

    private final OutputStream out;

    private AckLog(OutputStream out) {
        this.out = out;
    }

    static Path path(Path logDir, int thread) {
        return logDir.resolve(String.format("thread-%03d.log", thread));
    }

    static AckLog append(Path logDir, int thread) {
        try {
            return new AckLog(new FileOutputStream(path(logDir, thread).toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ack log of thread " + thread + " in " + logDir, e);
        }
    }

    void intent(LoggedWrite write) {
        StringBuilder line = new StringBuilder(64).append("I ").append(write.id().generation()).append(' ')
                .append(write.id().seq()).append(' ').append(write.revision()).append(' ').append(write.kind().code)
                .append(' ');
        for (int i = 0; i < write.effects().size(); i++) {
            LoggedWrite.Effect effect = write.effects().get(i);
            line.append(i == 0 ? "" : ",").append(effect.put() ? '+' : '-').append(effect.n());
        }
        writeLine(line);
    }

    void ack(LoggedWrite write) {
        writeLine(new StringBuilder(24).append("A ").append(write.id().generation()).append(' ')
                .append(write.id().seq()));
    }

    private void writeLine(StringBuilder line) {
        try {
            out.write(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to an ack log", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
