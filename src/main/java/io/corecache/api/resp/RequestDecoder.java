package io.corecache.api.resp;

import org.apache.pekko.util.ByteString;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the bytes of one connection into requests, as Redis's {@code processMultibulkBuffer} and
 * {@code processInlineBuffer} (networking.c) do. One decoder per connection; not thread-safe.
 *
 * <p>Implementation notes.
 * <ul>
 *   <li>A state machine that walks each chunk once, keeping its place across feeds: bytes already looked at
 *       are never scanned again, whatever the chunking, so one byte per feed and ten thousand pipelined
 *       commands per feed give the same requests at linear cost.</li>
 *   <li>Bulk data is copied once, straight from the chunk into the argument's {@code byte[]} (allocated when
 *       its {@code $len} is read). Nothing else is buffered except the unfinished part of a header or inline
 *       line, which is bounded (64 KiB, or maxInlineBytes), so memory per connection stays bounded.</li>
 *   <li>A bulk longer than maxArgumentBytes (but within maxBulkLength) is counted off as it arrives and never
 *       kept: the command still comes out, with a null slot, so the server can refuse it and keep the
 *       connection. Longer than maxBulkLength is a protocol error, as in Redis.</li>
 *   <li>Size limits are judged on the line itself, not on how much happens to be buffered, so that an error
 *       never depends on where the chunks were cut.</li>
 *   <li>Like Redis, a header line ends at {@code \r} and the byte after it is skipped unchecked; the two
 *       bytes after bulk data must be {@code \r\n}.</li>
 *   <li>After a protocol error the decoder is finished and drops everything: the connection is to close.</li>
 * </ul>
 */
public final class RequestDecoder {

    /** Redis's PROTO_INLINE_MAX_SIZE: the longest {@code *n} or {@code $len} line before its {@code \r}. */
    static final int MAX_HEADER_LINE = 64 * 1024;

    private static final int INITIAL_LINE_CAPACITY = 128;
    /** A bulk's first buffer; doubled as its bytes arrive, up to its announced length. */
    private static final int INITIAL_BULK_BYTES = 16 * 1024;

    /** What {@link #parseLength} answers for a malformed number. */
    private static final long INVALID = Long.MIN_VALUE;

    private enum State {
        /** Between requests: the next byte says multibulk ({@code *}) or inline. */
        REQUEST_START,
        MULTIBULK_COUNT,
        BULK_HEADER,
        BULK_DATA,
        BULK_SKIP,
        BULK_CRLF,
        INLINE_LINE,
        FAILED
    }

    private final int maxArgumentBytes;
    private final long maxBulkLength;
    private final int maxInlineBytes;
    private final int maxMultibulkLength;

    private State state = State.REQUEST_START;
    private List<Request> decoded;

    // The unfinished part of a header or inline line, carried over from earlier chunks.
    private byte[] line = new byte[INITIAL_LINE_CAPACITY];
    private int lineLength;
    /** Bytes to drop before going on: the byte after a header's {@code \r}. */
    private int skipBeforeNext;

    // The multibulk command being assembled.
    private List<byte[]> args;
    private int argsMissing;
    private int tooLargeIndex = -1;
    private long tooLargeLength;

    // The bulk being read (BULK_DATA), counted off (BULK_SKIP), or closed (BULK_CRLF).
    private byte[] bulk;
    private int bulkFilled;
    /** The length the bulk being read announced; {@code bulk} grows towards it as bytes arrive. */
    private int bulkLength;
    /** Bytes of the arguments kept so far for the request being read. */
    private long keptBytes;
    private long bulkRemaining;
    private int crlfSeen;

    /**
     * @param maxArgumentBytes   longest argument kept; a longer one (up to maxBulkLength) is dropped and flagged
     * @param maxBulkLength      longest {@code $len} accepted; longer is a protocol error
     * @param maxInlineBytes     longest inline line (without its newline); longer is a protocol error
     * @param maxMultibulkLength most arguments in one {@code *n}; more is a protocol error
     */
    public RequestDecoder(int maxArgumentBytes, long maxBulkLength, int maxInlineBytes, int maxMultibulkLength) {
        if (maxArgumentBytes < 0 || maxBulkLength < 0 || maxInlineBytes < 1 || maxMultibulkLength < 1) {
            throw new IllegalArgumentException("decoder limits must be positive: " + maxArgumentBytes + ", "
                    + maxBulkLength + ", " + maxInlineBytes + ", " + maxMultibulkLength);
        }
        this.maxArgumentBytes = maxArgumentBytes;
        this.maxBulkLength = maxBulkLength;
        this.maxInlineBytes = maxInlineBytes;
        this.maxMultibulkLength = maxMultibulkLength;
    }

    /** Feeds the next bytes of the connection; returns the requests they complete, in order (often none). */
    public List<Request> feed(ByteString bytes) {
        if (state == State.FAILED || bytes.isEmpty()) {
            return List.of();
        }
        // No copy for the usual compact chunk read from a socket; the array is only read, never written.
        byte[] in = bytes.toArrayUnsafe();
        int end = in.length;
        int i = 0;
        decoded = null;
        while (i < end && state != State.FAILED) {
            if (skipBeforeNext > 0) {
                i++;
                skipBeforeNext--;
                continue;
            }
            i = switch (state) {
                case REQUEST_START -> {
                    state = in[i] == '*' ? State.MULTIBULK_COUNT : State.INLINE_LINE;
                    yield i;
                }
                case MULTIBULK_COUNT -> readHeaderLine(in, i, end);
                case BULK_HEADER -> readHeaderLine(in, i, end);
                case BULK_DATA -> readBulkData(in, i, end);
                case BULK_SKIP -> skipBulkData(i, end);
                case BULK_CRLF -> readBulkCrlf(in, i, end);
                case INLINE_LINE -> readInlineLine(in, i, end);
                case FAILED -> end;
            };
        }
        List<Request> result = decoded == null ? List.of() : decoded;
        decoded = null;
        return result;
    }

    // ---- multibulk: *n\r\n then n times $len\r\n<bytes>\r\n

    private int readHeaderLine(byte[] in, int i, int end) {
        int cr = indexOf(in, i, end, (byte) '\r');
        int lineEnd = cr < 0 ? end : cr;
        if (lineLength + (lineEnd - i) > MAX_HEADER_LINE) {
            return fail(state == State.MULTIBULK_COUNT
                    ? "Protocol error: too big mbulk count string"
                    : "Protocol error: too big bulk count string");
        }
        if (cr < 0) {
            carry(in, i, end);
            return end;
        }
        skipBeforeNext = 1;
        if (lineLength == 0) {
            onHeaderLine(in, i, cr);
        } else {
            carry(in, i, cr);
            onHeaderLine(line, 0, lineLength);
            releaseLine();
        }
        return cr + 1;
    }

    /** A whole header line, {@code *} or {@code $} included, {@code \r} excluded. */
    private void onHeaderLine(byte[] a, int from, int to) {
        if (state == State.MULTIBULK_COUNT) {
            long count = parseLength(a, from + 1, to);
            if (count == INVALID || count > maxMultibulkLength) {
                fail("Protocol error: invalid multibulk length");
            } else if (count <= 0) {
                state = State.REQUEST_START; // an empty request: Redis ignores it
            } else {
                argsMissing = (int) count;
                keptBytes = 0;
                args = new ArrayList<>(Math.min(argsMissing, 64)); // a hostile *n must not allocate much
                tooLargeIndex = -1;
                tooLargeLength = 0;
                state = State.BULK_HEADER;
            }
            return;
        }
        if (from == to || a[from] != '$') {
            fail("Protocol error: expected '$', got '" + printable(from == to ? (byte) '\r' : a[from]) + "'");
            return;
        }
        long length = parseLength(a, from + 1, to);
        if (length == INVALID || length < 0 || length > maxBulkLength) {
            fail("Protocol error: invalid bulk length");
        } else if (length > maxArgumentBytes) {
            if (tooLargeIndex < 0) {
                tooLargeIndex = args.size();
                tooLargeLength = length;
            }
            bulkRemaining = length;
            state = State.BULK_SKIP;
        } else {
            keptBytes += length;
            if (keptBytes > maxBulkLength) {
                // Kept arguments are memory: a request of a million 1 MiB arguments must not hold a TiB.
                fail("Protocol error: request larger than " + maxBulkLength + " bytes");
                return;
            }
            // Grown as the bytes arrive: a "$1048576" with nothing after it must not pin a MiB.
            bulkLength = (int) length;
            bulk = new byte[Math.min(bulkLength, INITIAL_BULK_BYTES)];
            bulkFilled = 0;
            if (bulkLength == 0) {
                crlfSeen = 0;
                state = State.BULK_CRLF;
            } else {
                state = State.BULK_DATA;
            }
        }
    }

    private int readBulkData(byte[] in, int i, int end) {
        if (bulkFilled == bulk.length) {
            bulk = Arrays.copyOf(bulk, (int) Math.min(bulkLength, 2L * bulk.length));
        }
        int n = Math.min(end - i, bulk.length - bulkFilled);
        System.arraycopy(in, i, bulk, bulkFilled, n);
        bulkFilled += n;
        if (bulkFilled == bulkLength) {
            crlfSeen = 0;
            state = State.BULK_CRLF;
        }
        return i + n;
    }

    private int skipBulkData(int i, int end) {
        int n = (int) Math.min(end - i, bulkRemaining);
        bulkRemaining -= n;
        if (bulkRemaining == 0) {
            bulk = null; // the slot stays null
            crlfSeen = 0;
            state = State.BULK_CRLF;
        }
        return i + n;
    }

    private int readBulkCrlf(byte[] in, int i, int end) {
        while (i < end && crlfSeen < 2) {
            if (in[i] != (crlfSeen == 0 ? '\r' : '\n')) {
                return fail("Protocol error: expected CRLF after bulk string");
            }
            crlfSeen++;
            i++;
        }
        if (crlfSeen == 2) {
            args.add(bulk);
            bulk = null;
            if (--argsMissing > 0) {
                state = State.BULK_HEADER;
            } else {
                emit(new Request.Command(args, tooLargeIndex, tooLargeLength));
                args = null;
                state = State.REQUEST_START;
            }
        }
        return i;
    }

    // ---- inline: one line ending in \n

    private int readInlineLine(byte[] in, int i, int end) {
        int lf = indexOf(in, i, end, (byte) '\n');
        int lineEnd = lf < 0 ? end : lf;
        if (lineLength + (lineEnd - i) > maxInlineBytes) {
            return fail("Protocol error: too big inline request");
        }
        if (lf < 0) {
            carry(in, i, end);
            return end;
        }
        if (lineLength == 0) {
            onInlineLine(in, i, lf);
        } else {
            carry(in, i, lf);
            onInlineLine(line, 0, lineLength);
            releaseLine();
        }
        return lf + 1;
    }

    private void onInlineLine(byte[] a, int from, int to) {
        if (to > from && a[to - 1] == '\r') {
            to--;
        }
        List<byte[]> split = InlineSplitter.split(a, from, to);
        if (split == null) {
            fail("Protocol error: unbalanced quotes in request");
            return;
        }
        state = State.REQUEST_START;
        if (split.isEmpty()) {
            return; // a blank line: Redis ignores it
        }
        int firstTooLarge = -1;
        long firstTooLargeLength = 0;
        for (int k = 0; k < split.size(); k++) {
            if (split.get(k).length > maxArgumentBytes) {
                if (firstTooLarge < 0) {
                    firstTooLarge = k;
                    firstTooLargeLength = split.get(k).length;
                }
                split.set(k, null);
            }
        }
        emit(new Request.Command(split, firstTooLarge, firstTooLargeLength));
    }

    // ---- helpers

    private void emit(Request request) {
        if (decoded == null) {
            decoded = new ArrayList<>();
        }
        decoded.add(request);
    }

    /** Records the error as the last request; everything after it is ignored. Returns an index past any chunk. */
    private int fail(String message) {
        emit(new Request.ProtocolError(message));
        state = State.FAILED;
        args = null;
        bulk = null;
        line = null;
        lineLength = 0;
        return Integer.MAX_VALUE;
    }

    /** Keeps part of an unfinished line; callers have checked it stays within its limit. */
    private void carry(byte[] in, int from, int to) {
        int n = to - from;
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
        System.arraycopy(in, from, line, lineLength, n);
        lineLength += n;
    }

    /** The line has been used; a large carry buffer is given back rather than kept for the connection's life. */
    private void releaseLine() {
        lineLength = 0;
        if (line != null && line.length > MAX_HEADER_LINE) { // line is null once the decoder has failed
            line = new byte[INITIAL_LINE_CAPACITY];
        }
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int k = from; k < to; k++) {
            if (a[k] == b) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Parses a decimal as strictly as Redis's {@code string2ll}: optional {@code -}, no {@code +}, no blanks,
     * no leading zeros, no overflow. Returns {@link #INVALID} otherwise.
     */
    static long parseLength(byte[] a, int from, int to) {
        int n = to - from;
        if (n == 0 || n > 20) {
            return INVALID;
        }
        if (n == 1 && a[from] == '0') {
            return 0;
        }
        boolean negative = a[from] == '-';
        int p = negative ? from + 1 : from;
        if (p == to || a[p] < '1' || a[p] > '9') {
            return INVALID;
        }
        long value = 0;
        for (; p < to; p++) {
            int digit = a[p] - '0';
            if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
                return INVALID;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /** The byte as Redis's {@code %c} would show it, escaped when it is not printable ASCII. */
    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
