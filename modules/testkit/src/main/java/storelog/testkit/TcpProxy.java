package storelog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port in front of one target: one network link, for tests of what
 * crosses a network (no {@code tc netem} or iptables needed). It forwards both ways and can, on
 * demand, while it runs:
 * <ul>
 *   <li>{@link #blackhole} a direction: bytes stop moving — nothing is lost, nothing is answered;
 *       a connection made meanwhile is accepted but not passed on. Like a cable pulled out: TCP
 *       holds what was sent and delivers it when the link heals (even after the sender gave up);</li>
 *   <li>{@link #delay} a direction: every chunk arrives this much later (latency, not a bandwidth
 *       limit: chunks in flight overlap);</li>
 *   <li>{@link #drop}: close every connection (FIN) and every new one at once;</li>
 *   <li>{@link #reset}: reset every connection (RST) and every new one at once;</li>
 *   <li>{@link #dropEvery}: cut the connection carrying every n-th request that contains a marker
 *       (e.g. {@code "POST /replicate"}) before it reaches the target.</li>
 * </ul>
 * {@link #heal} ends every fault. The faults of one proxy act on the connections made through it, so a
 * proxy per direction of a link ({@code a} dialling {@code b}, {@code b} dialling {@code a}) cuts
 * exactly that link. Thread-safe; close it.
 */
public final class TcpProxy implements AutoCloseable {

    /** Which way bytes travel through the proxy. */
    public enum Direction {
        /** From the connecting client to the target. */
        TO_TARGET,
        /** From the target back to the client. */
        FROM_TARGET
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger marked = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final ProxyFaults faults = new ProxyFaults();

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

    /** Every chunk, both ways, arrives this much later. */
    public TcpProxy delay(Duration delay) {
        faults.delay(Direction.TO_TARGET, delay);
        faults.delay(Direction.FROM_TARGET, delay);
        return this;
    }

    /** Every chunk going {@code direction} arrives this much later; {@link Duration#ZERO} ends it. */
    public TcpProxy delay(Direction direction, Duration delay) {
        faults.delay(direction, delay);
        return this;
    }

    /** Both directions stop moving bytes (on) or move again, held bytes first (off). */
    public TcpProxy blackhole(boolean on) {
        faults.blackhole(Direction.TO_TARGET, on);
        faults.blackhole(Direction.FROM_TARGET, on);
        return this;
    }

    /** {@code direction} stops moving bytes (on) or moves again, held bytes first (off). */
    public TcpProxy blackhole(Direction direction, boolean on) {
        faults.blackhole(direction, on);
        return this;
    }

    /** Every connection, open and new, is closed (a FIN: the peer reads the end of the stream). */
    public TcpProxy drop(boolean on) {
        faults.drop(on);
        if (on) {
            sockets.forEach(s -> close(s, false));
        }
        return this;
    }

    /** Every connection, open and new, is reset (an RST: the peer's next read or write fails). */
    public TcpProxy reset(boolean on) {
        faults.reset(on);
        if (on) {
            sockets.forEach(s -> close(s, true));
        }
        return this;
    }

    /** Ends every fault: no delay, no blackhole, no drop, no reset, no marker cut. */
    public TcpProxy heal() {
        dropEvery(0, null);
        faults.heal();
        return this;
    }

    /** Cuts the connection carrying every {@code n}-th request whose bytes contain {@code marker}, before it is forwarded; 0 stops it. */
    public TcpProxy dropEvery(int n, String marker) {
        faults.dropEvery(n, marker);
        return this;
    }

    /** How many requests with the marker passed or were cut so far. */
    public int marked() {
        return marked.get();
    }

    /** How many connections were accepted so far (refused ones included). */
    public int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!faults.closed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                if (faults.refusing()) {
                    close(client, faults.resetting());
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
        Socket upstream = new Socket();
        try {
            // a blackholed link passes no SYN on: the target sees the connection once the link heals
            if (!faults.awaitPassable(Direction.TO_TARGET, client)) {
                close(client, faults.resetting());
                sockets.remove(client);
                return;
            }
            upstream.connect(target, 2_000);
            sockets.add(upstream);
            if (faults.refusing()) { // dropped or reset while connecting
                close(client, faults.resetting());
                close(upstream, faults.resetting());
                return;
            }
            ProxyPump.both(client, upstream, faults, marked, () -> {
                sockets.remove(client);
                sockets.remove(upstream);
            });
        } catch (IOException e) {
            close(client, false);
            close(upstream, false);
            sockets.remove(client);
        }
    }

    /** Closes {@code socket}; with {@code rst}, so that the peer gets a reset instead of the end of the stream. */
    static void close(Socket socket, boolean rst) {
        try {
            if (rst && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        faults.close();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(s -> close(s, false));
    }
}
