package storelog.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of one target, for tests of what crosses a network
 * (this kernel has no {@code tc netem}): it forwards both ways and can, on demand, delay every chunk,
 * blackhole (accept but forward nothing), reset every connection, or cut the connection carrying every
 * n-th request that contains a given marker (e.g. {@code "POST /replicate"}) before it reaches the
 * target. Faults may be changed while it runs. Thread-safe; close it.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger marked = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean blackhole;
    private volatile boolean reset;
    private volatile String dropMarker;
    private volatile int dropEvery;
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        Thread.ofPlatform().daemon().name("tcp-proxy-" + server.getLocalPort()).start(this::accept);
    }

    /** A proxy on a free port of 127.0.0.1 forwarding to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            return new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Every chunk, both ways, waits this long before it is passed on. */
    public TcpProxy delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Connections are accepted but nothing is passed on (a partition that drops packets). */
    public TcpProxy blackhole(boolean on) {
        this.blackhole = on;
        return this;
    }

    /** Every connection, open and new, is reset (a partition that refuses). */
    public TcpProxy reset(boolean on) {
        this.reset = on;
        if (on) {
            sockets.forEach(TcpProxy::closeQuietly);
        }
        return this;
    }

    /** Cuts the connection carrying every {@code n}-th request whose bytes contain {@code marker}, before it is forwarded; 0 stops it. */
    public TcpProxy dropEvery(int n, String marker) {
        this.dropMarker = marker;
        this.dropEvery = n;
        return this;
    }

    /** How many requests with the marker passed or were cut so far. */
    public int marked() {
        return marked.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (reset) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        try {
            Socket upstream = new Socket();
            upstream.connect(target, 2_000);
            sockets.add(upstream);
            Thread.ofVirtual().start(() -> pipe(client, upstream, true));
            pipe(upstream, client, false);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void pipe(Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (reset || closed) {
                    break;
                }
                if (blackhole) {
                    continue;
                }
                if (request && dropEvery > 0 && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(dropMarker)
                        && marked.incrementAndGet() % dropEvery == 0) {
                    break; // cut before it reaches the target
                }
                long millis = delay.toMillis();
                if (millis > 0) {
                    Thread.sleep(millis); // the delay this proxy injects
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(TcpProxy::closeQuietly);
    }
}
