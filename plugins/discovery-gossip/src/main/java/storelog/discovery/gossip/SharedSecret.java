package storelog.discovery.gossip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.UUID;

/**
 * {@code CLUSTER_SECRET} as the gossip layer uses it: every JGroups address carries a <em>proof</em>,
 * the first {@value #PROOF_BYTES} bytes of {@code HMAC-SHA256(secret, "storelog-gossip/1" 0x00
 * <cluster name> 0x00 <the address's 128 UUID bits>)}, under the address attribute {@value #KEY}. A
 * node admits a sender only if the sender's proof is the one its own secret gives for that address —
 * or, without a secret, only if the sender has no proof. So nodes with different secrets (or one
 * with none) never hear each other, whichever starts first.
 *
 * <p>What this does not do: the proof travels in clear text with every message and is a bearer
 * credential for that one address; whoever can read the traffic can copy it (and try to guess a weak
 * secret offline). It keeps out misconfigured nodes and casual intruders, not an attacker on the
 * network path. The secret itself is never sent, logged or printed ({@link #toString()}).
 *
 * <p>Thread-safe.
 */
final class SharedSecret {

    /** The address attribute holding the proof. */
    static final String KEY = "auth";
    static final int PROOF_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final String CONTEXT = "storelog-gossip/1";
    /** Expected proofs by address; bounded, as any sender can make up addresses. */
    private static final int MAX_CACHED = 1024;

    private final SecretKeySpec key;
    private final byte[] context;
    private final Map<UUID, byte[]> expected = new ConcurrentHashMap<>();

    private SharedSecret(String secret, String cluster) {
        this.key = secret == null ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.context = (CONTEXT + "\0" + cluster + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** The secret of the cluster named {@code cluster}; {@code secret} null means none. */
    static SharedSecret of(String secret, String cluster) {
        if (secret != null && secret.isEmpty()) {
            throw new IllegalArgumentException("an empty secret is no secret: pass null");
        }
        return new SharedSecret(secret, cluster);
    }

    boolean isSet() {
        return key != null;
    }

    /** The proof this secret gives {@code address}; only for a set secret. */
    byte[] proof(UUID address) {
        if (key == null) {
            throw new IllegalStateException("no secret, no proof");
        }
        UUID bits = new UUID(address.getMostSignificantBits(), address.getLeastSignificantBits());
        if (expected.size() >= MAX_CACHED) {
            expected.clear();
        }
        return expected.computeIfAbsent(bits, this::hmac).clone();
    }

    private byte[] hmac(UUID address) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(context);
            mac.update(ByteBuffer.allocate(16).putLong(address.getMostSignificantBits())
                    .putLong(address.getLeastSignificantBits()).array());
            return Arrays.copyOf(mac.doFinal(), PROOF_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java runtime", e);
        }
    }

    /** Whether {@code proof} is this secret's proof for {@code address}; compared in constant time. */
    boolean verifies(UUID address, byte[] proof) {
        return key != null && proof != null && MessageDigest.isEqual(proof(address), proof);
    }

    /** Whether a message from {@code sender} is heard: its proof matches this secret, or neither has one. */
    boolean admits(Address sender) {
        if (!(sender instanceof ExtendedUUID address)) {
            return key == null && sender != null;
        }
        byte[] proof = address.get(KEY);
        return key == null ? proof == null : verifies(address, proof);
    }

    @Override
    public String toString() {
        return key == null ? "no secret" : "a secret (not shown)";
    }
}
