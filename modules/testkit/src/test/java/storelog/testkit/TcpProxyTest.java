package storelog.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault of {@link TcpProxy} against an echo server, over real loopback sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpProxyTest {

    private ServerSocket echo;
    private final AtomicLong received = new AtomicLong();
    private TcpProxy proxy;

    @BeforeEach
    void echoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            byte[] b = new byte[8192];
                            for (int n; (n = in.read(b)) > 0; ) {
                                received.addAndGet(n);
                                out.write(b, 0, n);
                                out.flush();
                            }
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = TcpProxy.to("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket client(int readTimeoutMillis) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(readTimeoutMillis);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String read(Socket s, int length) throws IOException {
        byte[] b = s.getInputStream().readNBytes(length);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket s = client(5_000)) {
            send(s, "hello");
            assertEquals("hello", read(s, 5));
        }
    }

    @Test
    void aBlackholeHoldsBytesWithoutLosingThemAndDeliversThemWhenItHeals() throws IOException {
        try (Socket s = client(300)) {
            send(s, "one");
            assertEquals("one", read(s, 3));
            proxy.blackhole(true);
            send(s, "two");
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "nothing comes back through a blackhole");
            assertEquals(3, received.get(), "nothing reached the target");
            try (Socket during = client(300)) { // a connection made during the blackhole is accepted but goes nowhere
                send(during, "new");
                assertThrows(SocketTimeoutException.class, () -> during.getInputStream().read());
                proxy.blackhole(false);
                during.setSoTimeout(5_000);
                assertEquals("new", read(during, 3), "it reaches the target once the link heals");
            }
            s.setSoTimeout(5_000);
            assertEquals("two", read(s, 3), "held, not lost");
        }
    }

    @Test
    void aBlackholeInOneDirectionLetsTheOtherPass() throws IOException {
        proxy.blackhole(TcpProxy.Direction.FROM_TARGET, true);
        try (Socket s = client(300)) {
            send(s, "ping");
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            assertEquals(4, received.get(), "the target got the request");
            proxy.heal();
            s.setSoTimeout(5_000);
            assertEquals("ping", read(s, 4));
        }
    }

    @Test
    void dropClosesOpenConnectionsAndNewOnesWithTheEndOfTheStream() throws IOException {
        try (Socket s = client(5_000)) {
            send(s, "x");
            assertEquals("x", read(s, 1));
            proxy.drop(true);
            assertEquals(-1, s.getInputStream().read(), "an open connection ends");
        }
        try (Socket s = client(5_000)) {
            assertEquals(-1, s.getInputStream().read(), "a new one ends at once");
        }
        proxy.drop(false);
        try (Socket s = client(5_000)) {
            send(s, "y");
            assertEquals("y", read(s, 1));
        }
    }

    @Test
    void resetResetsOpenConnectionsAndNewOnes() throws IOException {
        try (Socket s = client(5_000)) {
            send(s, "x");
            assertEquals("x", read(s, 1));
            proxy.reset(true);
            assertThrows(SocketException.class, () -> s.getInputStream().read(), "an RST, not the end of the stream");
        }
        try (Socket s = client(5_000)) {
            assertThrows(SocketException.class, () -> s.getInputStream().read());
        }
        proxy.heal();
        try (Socket s = client(5_000)) {
            send(s, "y");
            assertEquals("y", read(s, 1));
        }
    }

    @Test
    void aDelayIsLatencyNotABandwidthLimit() throws Exception {
        long delay = 500;
        proxy.delay(Duration.ofMillis(delay));
        try (Socket s = client(10_000)) {
            long start = System.nanoTime();
            send(s, "a");
            Thread.sleep(100); // a second chunk while the first is in flight (the test's own pacing)
            send(s, "b");
            assertEquals("a", read(s, 1));
            long first = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("b", read(s, 1));
            long second = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(first >= 2 * delay, "a round trip takes both delays: " + first + " ms");
            // one after the other would be 3 delays (the second waits out the first's): 1500 ms
            assertTrue(second < 3 * delay - 50, "chunks in flight overlap: the second came back after " + second + " ms");
        }
    }

    @Test
    void theNthRequestWithTheMarkerIsCut() throws IOException {
        proxy.dropEvery(2, "POST");
        try (Socket s = client(5_000)) {
            send(s, "POST 1");
            assertEquals("POST 1", read(s, 6));
        }
        try (Socket s = client(5_000)) {
            send(s, "POST 2");
            assertEquals(-1, s.getInputStream().read(), "cut before it reached the target");
        }
        assertEquals(2, proxy.marked());
        assertEquals(6, received.get());
    }
}
