package storelog.discovery.gossip;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import storelog.api.spi.Member;
import storelog.api.spi.MembershipListener;

/**
 * Hands member lists to the {@link MembershipListener} in the order they were published, on one thread
 * of the plugin's own: JGroups delivers views on its threads, which a slow listener must not hold up.
 * A list equal to the one delivered before is not delivered again (e.g. when a restarted node's old
 * address leaves the view). A listener that throws is logged and keeps getting the next lists.
 * Thread-safe.
 */
final class MembershipEvents implements AutoCloseable {

    private static final Logger LOG = System.getLogger(MembershipEvents.class.getName());

    private final String localNode;
    private final MembershipListener listener;
    private final ExecutorService thread;
    private volatile Thread worker;
    /** Only touched on {@link #thread}. */
    private List<Member> delivered;

    MembershipEvents(String localNode, MembershipListener listener) {
        this.localNode = localNode;
        this.listener = listener;
        this.thread = Executors.newSingleThreadExecutor(task -> worker = Thread.ofPlatform().daemon()
                .name("gossip-members-" + localNode).unstarted(task));
    }

    /** Queues {@code members} for the listener; ignored once closed. Does not block. */
    void publish(List<Member> members) {
        try {
            thread.execute(() -> deliver(members));
        } catch (RejectedExecutionException e) {
            // closed: the node has left, later views are of no interest
        }
    }

    private void deliver(List<Member> members) {
        if (members.equals(delivered)) {
            return;
        }
        delivered = members;
        try {
            listener.onMembers(members);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "gossip node " + localNode + ": the membership listener failed on " + members.size()
                    + " members", e);
        }
    }

    /**
     * Stops delivering; waits (bounded) for a delivery under way, unless called from the listener
     * itself.
     */
    @Override
    public void close() {
        thread.shutdownNow();
        if (Thread.currentThread() != worker) {
            try {
                if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.log(Level.WARNING, "gossip node {0}: the membership listener did not return within 10 s of close",
                            localNode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
