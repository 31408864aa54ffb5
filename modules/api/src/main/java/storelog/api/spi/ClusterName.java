package storelog.api.spi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import storelog.api.Settings;

/**
 * The name under which electors keep a cluster's election (Redis keys, the Raft group id):
 * {@code SERVICE_NAME}, followed, when {@code CLUSTER_SECRET} is set, by {@code "."} and the first 8
 * bytes of HMAC-SHA256(secret, "storelog-election/1:" + name) in hex. So nodes with another secret —
 * which gossip already keeps out of the membership — can never take part in the election either (a
 * misconfigured node cannot win the lease of the real cluster). The digest is not the secret, but it
 * lets whoever reads it test guesses of a weak secret offline, like gossip's proofs: use a long
 * random secret.
 */
public final class ClusterName {

    private ClusterName() {
    }

    /** The election name of {@code settings}' cluster. */
    public static String of(Settings settings) {
        String name = settings.string("SERVICE_NAME", "storelog-cluster");
        String secret = settings.string("CLUSTER_SECRET", "");
        if (secret.isEmpty()) {
            return name;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("storelog-election/1:" + name).getBytes(StandardCharsets.UTF_8));
            return name + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
