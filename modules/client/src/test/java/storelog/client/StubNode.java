package storelog.client;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * A stand-in node (JDK {@code HttpServer}, or {@code HttpsServer}, on 127.0.0.1 and a free port) that
 * answers every request with one fixed status, JSON body and headers, and counts the requests it got
 * and remembers the last {@code X-Cluster-Secret} header sent to it.
 */
final class StubNode implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicReference<String> lastSecret = new AtomicReference<>();

    StubNode(int status, String json, Map<String, String> headers) {
        this(plain(), status, json, headers);
    }

    private StubNode(HttpServer server, int status, String json, Map<String, String> headers) {
        this.server = server;
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            lastSecret.set(exchange.getRequestHeaders().getFirst("X-Cluster-Secret"));
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    private static HttpServer plain() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stub that speaks HTTPS with the key of {@code tls}. */
    static StubNode tls(SSLContext tls, int status, String json) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new StubNode(server, status, json, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stub that says it is not the leader and names {@code leaderPort} on 127.0.0.1 as the leader. */
    static StubNode notLeader(int leaderPort) {
        return new StubNode(503, "{\"error\":\"not the leader\",\"code\":\"not_leader\",\"leader_http\":\"127.0.0.1:"
                + leaderPort + "\"}", Map.of());
    }

    String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int hits() {
        return hits.get();
    }

    Optional<String> lastSecret() {
        return Optional.ofNullable(lastSecret.get());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
