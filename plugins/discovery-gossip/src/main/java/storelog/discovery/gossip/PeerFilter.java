package storelog.discovery.gossip;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.UUID;

/**
 * The protocol right above the transport that drops every message from a sender the
 * {@link SharedSecret} does not admit: nodes with different secrets never see each other's discovery
 * answers, heartbeats, join or merge requests, so neither can join, lock out or merge with the other,
 * whichever started first. (JGroups' {@code AUTH} alone checks joiners only at the coordinator: a
 * wrong-secret node that starts first would refuse every right one.)
 *
 * <p>Logs one warning per refused sender per {@value #LOG_EVERY_SECONDS} s. Thread-safe.
 */
final class PeerFilter extends Protocol {

    private static final Logger LOG = System.getLogger(PeerFilter.class.getName());
    static final long LOG_EVERY_SECONDS = 60;
    private static final int MAX_REMEMBERED = 256;

    private final SharedSecret secret;
    private final String localNode;
    private final Map<Address, Long> lastWarned = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    PeerFilter(SharedSecret secret, String localNode) {
        this.secret = secret;
        this.localNode = localNode;
    }

    @Override
    public Object up(Message msg) {
        Address sender = msg.getSrc();
        if (secret.admits(sender)) {
            return up_prot.up(msg);
        }
        refused(sender);
        return null;
    }

    @Override
    public void up(MessageBatch batch) {
        Address sender = batch.sender();
        if (secret.admits(sender)) {
            up_prot.up(batch);
        } else {
            refused(sender);
        }
    }

    /** How many messages (or batches) were dropped so far. */
    long refused() {
        return refused.sum();
    }

    private void refused(Address sender) {
        refused.increment();
        if (sender == null) {
            LOG.log(Level.DEBUG, "gossip node {0}: dropped a message without a sender", localNode);
            return;
        }
        long now = System.nanoTime();
        Long last = lastWarned.get(sender);
        if (last != null && now - last < TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS)) {
            return;
        }
        if (lastWarned.size() >= MAX_REMEMBERED) {
            lastWarned.clear();
        }
        lastWarned.put(sender, now);
        LOG.log(Level.WARNING, "gossip node {0}: ignoring node {1} (address {2}): it has another CLUSTER_SECRET, or {3}",
                localNode, MemberAddress.nodeId(sender).orElse("?"), sender instanceof UUID uuid ? uuid.toStringLong() : sender,
                secret.isSet() ? "none" : "one while this node has none");
    }
}
