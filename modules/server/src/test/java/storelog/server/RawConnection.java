package storelog.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection on a plain socket, for what {@code java.net.http} cannot do: hold a
 * connection open, stall in the middle of a body, see a {@code 100 Continue}, see the server close.
 * Every read waits at most {@value #READ_TIMEOUT_MS} ms unless told otherwise.
 */
final class RawConnection implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 20_000;

    private final Socket socket;
    private final PushbackInputStream in;

    RawConnection(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new PushbackInputStream(socket.getInputStream(), 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text} as it is (US-ASCII). */
    RawConnection send(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GET of {@code path} that keeps the connection open. */
    RawConnection get(String path) {
        return send("GET " + path + " HTTP/1.1\r\nHost: storelog\r\n\r\n");
    }

    /**
     * Starts a JSON POST of {@code declaredLength} bytes asking for {@code 100 Continue}, and waits for
     * it: the server's handler is then reading the body, so the request is in flight.
     */
    RawConnection startUpload(String path, int declaredLength) {
        send("POST " + path + " HTTP/1.1\r\nHost: storelog\r\nContent-Type: application/json\r\nContent-Length: "
                + declaredLength + "\r\nExpect: 100-continue\r\n\r\n");
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 100")) {
            throw new AssertionError("expected 100 Continue, got " + head);
        }
        return this;
    }

    /** The status line and headers of the next response, or of a {@code 100 Continue}. */
    String readHead() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the server closed the connection after " + head);
                }
                head.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The next response, head and body (which has a {@code Content-Length}). */
    String readResponse() {
        String head = readHead();
        int length = head.lines().map(l -> l.toLowerCase(Locale.ROOT))
                .filter(l -> l.startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring("content-length:".length()).strip())).findFirst().orElse(0);
        try {
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a byte of an answer arrives within {@code wait}; it is kept for the next read. */
    boolean answersWithin(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            int b = in.read();
            if (b >= 0) {
                in.unread(b);
            }
            return b >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            restoreTimeout();
        }
    }

    private void restoreTimeout() {
        try {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server closes the connection within the read timeout. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
