package storelog.testkit;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The faults a {@link TcpProxy} injects right now, read by its pumps on every chunk; a change wakes
 * every pump that waits for a blackholed direction to pass again. Thread-safe.
 */
final class ProxyFaults {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<TcpProxy.Direction, Duration> delays = new EnumMap<>(TcpProxy.Direction.class);
    private final Map<TcpProxy.Direction, Boolean> blackholes = new EnumMap<>(TcpProxy.Direction.class);
    private volatile boolean drop;
    private volatile boolean reset;
    private volatile boolean closed;
    private volatile String marker;
    private volatile int every;

    ProxyFaults() {
        heal();
    }

    void delay(TcpProxy.Direction direction, Duration delay) {
        change(() -> delays.put(direction, delay));
    }

    Duration delay(TcpProxy.Direction direction) {
        lock.lock();
        try {
            return delays.get(direction);
        } finally {
            lock.unlock();
        }
    }

    void blackhole(TcpProxy.Direction direction, boolean on) {
        change(() -> blackholes.put(direction, on));
    }

    void drop(boolean on) {
        change(() -> drop = on);
    }

    void reset(boolean on) {
        change(() -> reset = on);
    }

    void dropEvery(int n, String marker) {
        this.marker = marker;
        this.every = n;
    }

    void heal() {
        change(() -> {
            for (TcpProxy.Direction d : TcpProxy.Direction.values()) {
                delays.put(d, Duration.ZERO);
                blackholes.put(d, false);
            }
            drop = false;
            reset = false;
        });
    }

    void close() {
        change(() -> closed = true);
    }

    boolean closed() {
        return closed;
    }

    /** Whether connections are closed as soon as they are seen (drop or reset). */
    boolean refusing() {
        return drop || reset || closed;
    }

    /** Whether they are closed with an RST. */
    boolean resetting() {
        return reset;
    }

    /**
     * Waits while {@code direction} is blackholed; false when the bytes must not pass at all (the
     * proxy refuses or closed, or {@code socket} was closed meanwhile).
     */
    boolean awaitPassable(TcpProxy.Direction direction, Socket socket) {
        lock.lock();
        try {
            while (blackholes.get(direction) && !refusing() && !socket.isClosed()) {
                changed.await();
            }
            return !refusing() && !socket.isClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this chunk of a request is the n-th with the marker, to be cut before it is forwarded. */
    boolean cuts(byte[] chunk, int length, AtomicInteger marked) {
        String m = marker;
        int n = every;
        return n > 0 && m != null && new String(chunk, 0, length, StandardCharsets.ISO_8859_1).contains(m)
                && marked.incrementAndGet() % n == 0;
    }

    private void change(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
