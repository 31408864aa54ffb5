package storelog.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code CLUSTER_SECRET}: node-to-node endpoints require it in {@code X-Cluster-Secret} (missing: 401,
 * wrong: 403), compared in constant time. A node without one refuses them all (403): a clustered
 * node cannot start without a secret, so only a misconfigured embedding gets there, and it fails closed.
 */
final class ClusterSecret {

    static final String HEADER = "X-Cluster-Secret";

    private final Optional<byte[]> secret;

    ClusterSecret(Optional<String> secret) {
        this.secret = secret.filter(s -> !s.isEmpty()).map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    void check(ServerRequest req) {
        if (secret.isEmpty()) {
            throw new HttpException("this node has no CLUSTER_SECRET, so it accepts no node-to-node requests",
                    Status.FORBIDDEN_403, true);
        }
        Optional<String> given = req.headers().first(HeaderNames.create(HEADER));
        if (given.isEmpty()) {
            throw new HttpException("this endpoint requires the cluster secret in " + HEADER, Status.UNAUTHORIZED_401, true);
        }
        if (!MessageDigest.isEqual(secret.get(), given.get().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpException("the cluster secret in " + HEADER + " is wrong", Status.FORBIDDEN_403, true);
        }
    }
}
