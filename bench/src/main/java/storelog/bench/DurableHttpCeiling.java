package storelog.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The trivial JDK server of {@code ../shared/bench/http-ceiling.sh} made durable: {@code POST /publish}
 * reads the body as that server does, appends it to a {@link MinimalGroupCommit} and answers
 * {@code {"offset":N,"len":L}} only once an fdatasync covered it. The ceiling of a publish that is
 * acknowledged after its fsync (P3 with {@code FSYNC=always}), measured beside the trivial server:
 * HTTP plus the least a group commit must do, without an engine. Answers 503 if the log stopped.
 *
 * <pre>java -cp benchmarks.jar storelog.bench.DurableHttpCeiling port</pre>
 */
public final class DurableHttpCeiling {

    private DurableHttpCeiling() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path work = Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench"));
        MinimalGroupCommit log = new MinimalGroupCommit(work, true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                log.close();
            } catch (java.io.IOException e) {
                System.err.println("log: " + e);
            }
        }));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        Object order = new Object();
        long[] next = new long[1];
        server.createContext("/publish", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            long offset;
            synchronized (order) {
                offset = next[0]++;
            }
            boolean durable = log.append(in);
            byte[] out = (durable ? "{\"offset\":" + offset + ",\"len\":" + in.length + "}" : "{\"error\":\"stopped\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(durable ? 200 : 503, out.length);
            try (var body = exchange.getResponseBody()) {
                body.write(out);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("READY " + port + " durable java=" + System.getProperty("java.version"));
    }
}
