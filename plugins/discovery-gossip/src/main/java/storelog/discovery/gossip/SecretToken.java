package storelog.discovery.gossip;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.util.UUID;

/**
 * JGroups' {@code AUTH} token for {@code CLUSTER_SECRET}: the sender's {@link SharedSecret} proof for
 * its own address ({@value SharedSecret#PROOF_BYTES} bytes on the wire). {@code AUTH} checks it on join
 * and merge requests at the coordinator and, the other way round, on join and merge responses at the
 * joiner. {@link PeerFilter} already drops every message of a sender with another secret, so this is
 * the second check, on the messages that change the view.
 *
 * <p>Public with a public constructor because JGroups creates instances reflectively (ClassConfigurator
 * and tokens read off the wire); a created instance only carries a received proof.
 */
public final class SecretToken extends AuthToken {

    /** JGroups' magic number of this class (custom ids start at 1024). */
    static final short MAGIC = 2_746;

    private final SharedSecret secret;
    private byte[] proof;

    /** A token read off the wire: JGroups creates it, then {@link #readFrom} fills it. */
    public SecretToken() {
        this.secret = null;
    }

    /** The local node's token: it writes the proof for the local address and checks received ones. */
    SecretToken(SharedSecret secret) {
        this.secret = secret;
    }

    /** Registers the class with JGroups, once per JGroups copy (each plugin layer has its own). */
    static void register() {
        ClassConfigurator.addIfAbsent(MAGIC, SecretToken.class);
    }

    @Override
    public String getName() {
        return SecretToken.class.getName();
    }

    @Override
    public int size() {
        return SharedSecret.PROOF_BYTES;
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return secret != null && token instanceof SecretToken received && msg.getSrc() instanceof UUID sender
                && secret.verifies(sender, received.proof());
    }

    /**
     * The proof this token presents: read off the wire, or — for the local node's own token, which
     * arrives unserialized when the node sends a merge request to itself — its own.
     */
    private byte[] proof() {
        return secret != null && auth != null && auth.getAddress() instanceof UUID local ? secret.proof(local) : proof;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        byte[] own = secret == null ? null : proof();
        if (own == null) {
            throw new IOException("only the local node's token is written, once it has an address");
        }
        out.write(own);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        proof = new byte[SharedSecret.PROOF_BYTES];
        in.readFully(proof);
    }

    @Override
    public String toString() {
        return "SecretToken";
    }
}
