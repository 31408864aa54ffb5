package storelog.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Sends a {@link Call} to the cluster and returns the answer's JSON, or throws the one
 * {@link StoreLogClientException}. It owns the client's resilience rules:
 * <ul>
 *   <li><b>failover</b>: the preferred node is asked first, then the configured ones in order. A node
 *       that cannot be connected to is skipped for every request; a failure after the request was
 *       sent (broken connection, timeout) moves on only for idempotent reads, since a publish may
 *       have been stored;</li>
 *   <li><b>leader following</b>: a 503 naming the leader ({@code leader_http} in the body, else a
 *       {@code Location} header) is retried once at the leader, which becomes the preferred node when
 *       it answers; a 503 without a hint, or a second 503, is an error. A hint never downgrades
 *       {@code https} to {@code http} ({@link Nodes#leader(String, URI)});</li>
 *   <li><b>shutdown</b>: a 503 {@value #SHUTTING_DOWN} (a node going away) moves an idempotent read on
 *       to the next node, like a node that cannot be reached; with no other node it is the error.</li>
 * </ul>
 * It sends no cluster secret: that is for node-to-node requests only.
 * Thread-safe.
 */
final class Transport {

    /** The code of a 503 from a node that is shutting down. */
    static final String SHUTTING_DOWN = "shutting_down";

    private final HttpClient http;
    private final Nodes nodes;
    private final Duration requestTimeout;
    private final ObjectMapper json;

    Transport(HttpClient http, Nodes nodes, Duration requestTimeout, ObjectMapper json) {
        this.http = http;
        this.nodes = nodes;
        this.requestTimeout = requestTimeout;
        this.json = json;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * The JSON body of a 2xx answer.
     *
     * @throws StoreLogClientException                    for any other answer, or when no node answered
     * @throws java.util.concurrent.CancellationException when the call's cancellation was used
     */
    JsonNode send(Call call) {
        List<String> failures = new ArrayList<>();
        StoreLogClientException last = null;
        for (URI node : nodes.order()) {
            try {
                return answer(node, call, exchange(node, call));
            } catch (Unreached e) {
                last = e.failure;
                failures.add(e.failure.serverMessage());
                if (!e.connectFailed && !call.idempotent()) {
                    throw e.failure;
                }
            } catch (StoreLogClientException e) {
                if (!call.idempotent() || e.status() != 503 || !e.code().equals(SHUTTING_DOWN)) {
                    throw e;
                }
                last = e;
                failures.add(node + ": " + e.serverMessage());
            }
        }
        if (failures.size() == 1) {
            throw last;
        }
        throw StoreLogClientException.transport(last.code(), call + " reached no node: " + String.join("; ", failures), last);
    }

    private JsonNode answer(URI node, Call call, HttpResponse<byte[]> response) {
        if (response.statusCode() == 503) {
            Optional<URI> leader = leaderHint(node, response).filter(l -> !l.equals(node));
            if (leader.isPresent()) {
                HttpResponse<byte[]> retried;
                try {
                    retried = exchange(leader.get(), call);
                } catch (Unreached e) {
                    throw e.failure; // the one retry at the leader named by the node
                }
                return accept(leader.get(), retried);
            }
        }
        return accept(node, response);
    }

    private JsonNode accept(URI node, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status < 500) {
            nodes.prefer(node);
        }
        if (status / 100 != 2) {
            throw error(node, response);
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new StoreLogClientException(status, StoreLogClientException.INVALID_RESPONSE,
                    node + " answered " + status + " with a body that is not JSON", OptionalLong.empty(), e);
        }
    }

    private Optional<URI> leaderHint(URI node, HttpResponse<byte[]> response) {
        JsonNode body = parseQuietly(response.body());
        Optional<URI> fromBody = body != null && body.path("leader_http").isTextual()
                ? Nodes.leader(body.get("leader_http").asText(), node) : Optional.empty();
        return fromBody.or(() -> response.headers().firstValue("Location").flatMap(hint -> Nodes.leader(hint, node)));
    }

    private StoreLogClientException error(URI node, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        JsonNode body = parseQuietly(response.body());
        if (body == null || !body.path("code").isTextual()) {
            String text = new String(response.body(), StandardCharsets.UTF_8).strip();
            String message = node + " answered " + status + (text.isEmpty() ? "" : ": " + abbreviate(text));
            return new StoreLogClientException(status, "http_" + status, message, OptionalLong.empty(), null);
        }
        String message = body.path("error").isTextual() ? body.get("error").asText() : "(no message)";
        OptionalLong next = body.path("next_offset").canConvertToLong()
                ? OptionalLong.of(body.get("next_offset").asLong()) : OptionalLong.empty();
        return new StoreLogClientException(status, body.get("code").asText(), message, next, null);
    }

    private HttpResponse<byte[]> exchange(URI node, Call call) throws Unreached {
        HttpRequest.Builder request = HttpRequest.newBuilder(Nodes.resolve(node, call.pathAndQuery()))
                .timeout(call.timeout() == null ? requestTimeout : call.timeout())
                .header("Accept", "application/json");
        if (call.body() != null) {
            request.header("Content-Type", "application/json")
                    .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
        } else {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        call.cancellation().track(exchange);
        try {
            return exchange.get();
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw StoreLogClientException.transport(StoreLogClientException.INTERRUPTED,
                    "interrupted while waiting for " + node + " to answer " + call, e);
        } catch (ExecutionException e) {
            throw Unreached.of(node, call, e.getCause());
        }
    }

    private JsonNode parseQuietly(byte[] body) {
        try {
            return body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** No answer came from a node: why, and whether the request surely never reached it. */
    private static final class Unreached extends Exception {
        final StoreLogClientException failure;
        final boolean connectFailed;

        private Unreached(StoreLogClientException failure, boolean connectFailed) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.connectFailed = connectFailed;
        }

        static Unreached of(URI node, Call call, Throwable cause) {
            boolean connect = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (connect) {
                return new Unreached(StoreLogClientException.transport(StoreLogClientException.CONNECTION_FAILED,
                        "could not connect to " + node + ": " + reason, cause), true);
            }
            boolean timeout = cause instanceof HttpTimeoutException;
            String code = timeout ? StoreLogClientException.TIMEOUT : StoreLogClientException.CONNECTION_FAILED;
            String what = timeout ? "did not answer " + call + " in time" : "failed during " + call + ": " + reason;
            String stored = call.idempotent() ? "" : " (it may or may not have been stored)";
            return new Unreached(StoreLogClientException.transport(code, node + " " + what + stored, cause), false);
        }
    }
}
