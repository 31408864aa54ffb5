package storelog.elector.raft;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the group's log entries ({@link Command}s) with {@code CLUSTER_SECRET}: each entry carries the
 * first {@value #TAG_BYTES} bytes of HMAC-SHA256(secret, "storelog-raft-entry/1" ‖ group id ‖ entry)
 * after its bytes, and every replica applies only entries whose tag it can verify. Ratis accepts a
 * client write from anyone who can reach a peer and knows the group id (which travels in clear text in
 * every Raft message); without the tag, such a request could hand out a leadership, hand back, or raise
 * every node's epoch out of reach. An entry that fails the check is skipped by every replica alike (all
 * hold the same secret), so the state stays the same everywhere.
 *
 * <p>Without a secret (a test or a trusted network) entries carry no tag and nothing is checked. The
 * secret itself is never logged ({@link #toString()}). Thread-safe (a {@link Mac} per call).
 */
final class EntrySeal {

    static final int TAG_BYTES = 16;
    private static final byte[] CONTEXT = "storelog-raft-entry/1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key; // null: no secret
    private final byte[] group;

    private EntrySeal(SecretKeySpec key, String groupId) {
        this.key = key;
        this.group = groupId.getBytes(StandardCharsets.UTF_8);
    }

    /** The seal of group {@code groupId} with {@code secret} (empty: no secret, no tags). */
    static EntrySeal of(String secret, String groupId) {
        return new EntrySeal(secret.isEmpty() ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                groupId);
    }

    /** {@code body} followed by its tag. */
    byte[] seal(byte[] body) {
        if (key == null) {
            return body;
        }
        byte[] sealed = Arrays.copyOf(body, body.length + TAG_BYTES);
        System.arraycopy(tag(body, body.length), 0, sealed, body.length, TAG_BYTES);
        return sealed;
    }

    /** The body of {@code sealed} if its tag is right; empty when it is not (or there is none). */
    Optional<byte[]> open(byte[] sealed) {
        if (key == null) {
            return Optional.of(sealed);
        }
        int length = sealed.length - TAG_BYTES;
        if (length < 1) {
            return Optional.empty();
        }
        byte[] expected = tag(sealed, length);
        byte[] actual = Arrays.copyOfRange(sealed, length, sealed.length);
        return MessageDigest.isEqual(expected, actual) ? Optional.of(Arrays.copyOf(sealed, length)) : Optional.empty();
    }

    private byte[] tag(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(CONTEXT);
            mac.update((byte) 0);
            mac.update(group);
            mac.update((byte) 0);
            mac.update(data, 0, length);
            return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "entries not sealed (no CLUSTER_SECRET)" : "entries sealed with CLUSTER_SECRET";
    }
}
