package storelog.elector.raft;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Reports the epochs this node has seen to the group's state machine ({@link Command.Observe}), best
 * effort, so that a Raft epoch is issued above every epoch the reachable nodes have seen. Sent through
 * a Ratis client of its own (one per report: reports are rare, one per higher epoch), which finds the
 * leader from any node. One report in flight at a time; after a failure the next try waits
 * {@value #RETRY_MILLIS} ms. Used by the elector thread only.
 */
final class EpochReporter implements AutoCloseable {

    static final long RETRY_MILLIS = 1000;

    private static final Logger LOG = System.getLogger(EpochReporter.class.getName());

    private final String nodeId;
    private final RaftProperties clientProperties;
    private final EntrySeal seal;
    private CompletableFuture<Boolean> inFlight = CompletableFuture.completedFuture(true);
    private long sent;
    private long retryAt;
    private RaftClient client;

    EpochReporter(String nodeId, RaftProperties clientProperties, EntrySeal seal) {
        this.nodeId = nodeId;
        this.seal = seal;
        this.clientProperties = clientProperties;
    }

    /** Reports {@code epoch} at {@code now} unless the state holds it already, or it was sent, or a retry is not due. */
    void report(long epoch, EpochState state, RaftGroup group, RaftPeerId leader, long now) {
        if (!inFlight.isDone()) {
            return;
        }
        if (!inFlight.join()) {
            sent = 0; // the last report failed: send again once due
        }
        if (epoch <= state.highestObserved() || epoch <= sent || now - retryAt < 0 || leader == null || group.getPeers().isEmpty()) {
            return;
        }
        sent = epoch;
        retryAt = now + Duration.ofMillis(RETRY_MILLIS).toNanos();
        RaftClient client = open(group, leader);
        inFlight = client.async().send(Message.valueOf(ByteString.copyFrom(seal.seal(new Command.Observe(epoch).encode()))))
                .handle((reply, failure) -> {
                    close(client);
                    boolean ok = failure == null && reply.isSuccess();
                    if (!ok) {
                        LOG.log(Level.DEBUG, "raft elector {0}: reporting epoch {1} failed, will retry: {2}", nodeId, epoch,
                                failure != null ? failure : reply.getException());
                    }
                    return ok;
                });
    }

    private synchronized RaftClient open(RaftGroup group, RaftPeerId leader) {
        client = RaftClient.newBuilder().setProperties(clientProperties).setRaftGroup(group).setLeaderId(leader)
                .setRetryPolicy(RetryPolicies.noRetry()).build();
        return client;
    }

    /** Closes the client of a report still in flight. */
    @Override
    public synchronized void close() {
        if (client != null) {
            close(client);
        }
    }

    private synchronized void close(RaftClient done) {
        if (client == done) {
            client = null;
        }
        try {
            done.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "raft elector {0}: closing a Ratis client: {1}", nodeId, e);
        }
    }
}
