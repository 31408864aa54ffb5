package storelog.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction of one proxied connection: a reader takes chunks off {@code from} as they come and
 * queues each with the moment it may be passed on (now + the direction's delay); a writer passes
 * them to {@code to} at that moment, once the direction is not blackholed. So a delay is latency,
 * chunks overlap in flight, and a blackhole holds bytes (the bounded queue then stops the reader, and
 * TCP stops the sender) instead of losing them. The end of {@code from}'s stream is passed on as a
 * half-close; the connection's two sockets are closed when both directions ended, or at once when
 * one fails, is cut or the proxy refuses.
 */
final class ProxyPump {

    private record Chunk(byte[] bytes, long due) {
        static final Chunk END = new Chunk(new byte[0], 0);
        static final Chunk ABORT = new Chunk(new byte[0], 0);
    }

    private final Socket from;
    private final Socket to;
    private final TcpProxy.Direction direction;
    private final ProxyFaults faults;
    private final AtomicInteger marked;
    private final Runnable ended;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(64);

    private ProxyPump(Socket from, Socket to, TcpProxy.Direction direction, ProxyFaults faults, AtomicInteger marked,
                      Runnable ended) {
        this.from = from;
        this.to = to;
        this.direction = direction;
        this.faults = faults;
        this.marked = marked;
        this.ended = ended;
    }

    /** Pumps both directions between {@code client} and {@code upstream}; {@code ended} runs once both ended. */
    static void both(Socket client, Socket upstream, ProxyFaults faults, AtomicInteger marked, Runnable ended) {
        AtomicInteger running = new AtomicInteger(2);
        Runnable one = () -> {
            if (running.decrementAndGet() == 0) {
                TcpProxy.close(client, faults.resetting());
                TcpProxy.close(upstream, faults.resetting());
                ended.run();
            }
        };
        new ProxyPump(client, upstream, TcpProxy.Direction.TO_TARGET, faults, marked, one).start();
        new ProxyPump(upstream, client, TcpProxy.Direction.FROM_TARGET, faults, marked, one).start();
    }

    private void start() {
        Thread.ofVirtual().start(this::read);
        Thread.ofVirtual().start(this::write);
    }

    private void read() {
        byte[] buffer = new byte[64 * 1024];
        Chunk last = Chunk.ABORT;
        try {
            InputStream in = from.getInputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (faults.refusing() || direction == TcpProxy.Direction.TO_TARGET && faults.cuts(buffer, n, marked)) {
                    break; // cut before it reaches the other side
                }
                queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + faults.delay(direction).toNanos()));
            }
            last = faults.refusing() ? Chunk.ABORT : Chunk.END;
        } catch (IOException e) {
            // reset or closed: the connection ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (last == Chunk.ABORT) {
                abort(); // unblocks a writer waiting to pass on, and the other direction; empties the queue
            }
            try {
                queue.put(last); // the writer takes chunks until it sees END or ABORT; after an abort there is room
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void write() {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = queue.take();
                if (chunk == Chunk.ABORT) {
                    abort();
                    return;
                }
                if (chunk == Chunk.END) {
                    to.shutdownOutput(); // the other side reads the end of the stream, and may still answer
                    return;
                }
                long wait = chunk.due() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the latency this proxy injects
                }
                if (!faults.awaitPassable(direction, to)) {
                    abort();
                    return;
                }
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException e) {
            abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        } finally {
            ended.run();
        }
    }

    private void abort() {
        TcpProxy.close(from, faults.resetting());
        TcpProxy.close(to, faults.resetting());
        queue.clear();
    }
}
