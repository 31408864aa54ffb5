package storelog.discovery.gossip;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.time.Duration;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.util.ExtendedUUID;
import storelog.api.InvalidSettingException;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;
import storelog.api.spi.MembershipListener;

/**
 * Membership over one JGroups channel ({@link GossipStack}). The member list is the channel's view in
 * view order (the coordinator first), each node id once ({@link ViewMembers}); every change goes to
 * the listener through {@link MembershipEvents}. Seeds are re-read while running
 * ({@link SeedRefresher}).
 *
 * <p>Start-up: a node that finds no peer (no seeds, or none answering, or only nodes with another
 * {@code CLUSTER_SECRET}) forms a cluster of its own and merges with the others when they are found.
 * {@link #start} throws {@link InvalidSettingException} naming {@code BIND_ADDR} when the port (or
 * failure detection's ports above the advertised one) cannot be bound, and {@link SecurityException}
 * when a coordinator refused the join (JGroups' {@code AUTH}; with {@link PeerFilter} in place a node
 * with another secret is not even heard, so it runs alone instead).
 *
 * <p>Thread-safe; {@link #start} and {@link #close} once each.
 */
final class GossipDiscovery implements Discovery {

    private static final Logger LOG = System.getLogger(GossipDiscovery.class.getName());

    private enum State { NEW, STARTED, CLOSED }

    private final GossipConfig config;
    private State state = State.NEW;
    private String node = "?";
    private JChannel channel;
    private SeedRefresher seeds;
    private MembershipEvents events;
    private volatile List<Member> members = List.of();
    /** This node's JGroups address, made before the channel connects. */
    private volatile ExtendedUUID local;
    private volatile boolean closed;

    GossipDiscovery(GossipConfig config) {
        this.config = config;
    }

    /**
     * Joins the cluster, or forms one alone.
     *
     * @throws InvalidSettingException  when {@code BIND_ADDR} cannot be bound
     * @throws SecurityException        when the cluster refused this node
     * @throws IllegalArgumentException when the member's attributes do not fit an address ({@link MemberAddress})
     * @throws IllegalStateException    when started twice, after close, or JGroups fails otherwise
     */
    @Override
    public synchronized void start(DiscoveryContext context, MembershipListener listener) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(listener, "listener");
        if (state != State.NEW) {
            throw new IllegalStateException("gossip discovery can be started once, it is " + state);
        }
        state = State.STARTED;
        node = context.self().nodeId();
        JGroupsLogging.install();
        ExtendedUUID address = MemberAddress.create(context.self(), System.currentTimeMillis(), config.secret());
        local = address;
        SeedPing discovery = new SeedPing(List.of());
        seeds = new SeedRefresher(node, context.seeds(), discovery);
        seeds.refresh();
        events = new MembershipEvents(node, listener);
        try {
            channel = new JChannel(GossipStack.protocols(config, node, discovery)).name(node);
            channel.addAddressGenerator(() -> address);
            channel.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(View view) {
                    onView(view);
                }
            });
            channel.connect(config.cluster());
            refuseSharedNodeId();
        } catch (Exception e) {
            closeQuietly();
            throw failure(e);
        }
        seeds.start(Math.max(250, config.failureTimeoutMillis() / 3));
        LOG.log(Level.INFO, "gossip node {0}: in cluster {1}, listening on {2}, advertised as {3}, {4}: {5} members",
                node, config.cluster(), config.bind(), config.advertise(), config.secret(), members.size());
    }

    /**
     * Stops start-up when another live node already uses this node's NODE_ID: every node keys the
     * member list, the leader and replication by node id, so the two would be taken for one. An address
     * with this node id at this node's own advertised address is a previous run of this node (killed,
     * not yet removed by failure detection) and is no conflict. One at another address may be a
     * previous run that moved (a new IP after a restart): it is given the failure timeout plus
     * verification to leave the view; one that is still there is another node.
     *
     * @throws InvalidSettingException naming {@code NODE_ID}
     */
    private void refuseSharedNodeId() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(config.failureTimeoutMillis() * 3 / 2 + 500).toNanos();
        while (true) {
            Optional<String> other = sharingNodeId();
            if (other.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new InvalidSettingException("NODE_ID", node, "the node at " + other.get() + " in cluster "
                        + config.cluster() + " already uses this NODE_ID; every node needs its own");
            }
            Thread.sleep(50); // waiting for failure detection to remove a dead address, bounded by the deadline
        }
    }

    /** The physical address of another member of the current view with this node's id, not at this node's address. */
    private Optional<String> sharingNodeId() {
        View view = channel.getView();
        if (view == null) {
            return Optional.empty();
        }
        Object own = channel.down(new Event(Event.GET_PHYSICAL_ADDRESS, local));
        for (Address address : view.getMembers()) {
            if (!address.equals(local) && MemberAddress.nodeId(address).filter(node::equals).isPresent()) {
                Object physical = channel.down(new Event(Event.GET_PHYSICAL_ADDRESS, address));
                if (physical == null || !physical.equals(own)) {
                    return Optional.of(physical == null ? address.toString() : physical.toString());
                }
            }
        }
        return Optional.empty();
    }

    private RuntimeException failure(Exception e) {
        if (e instanceof InvalidSettingException invalid) {
            return invalid;
        }
        if (e instanceof SecurityException refused) {
            return new SecurityException("gossip node " + node + ": cluster " + config.cluster() + " refused this node ("
                    + refused.getMessage() + "): is CLUSTER_SECRET the same on every node?", refused);
        }
        int fd = config.advertise().port() + GossipStack.FD_PORT_OFFSET;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return new InvalidSettingException(GossipConfig.BIND_ADDR, config.bind().toString(),
                        "cannot be bound: " + cause.getMessage());
            }
            if (thrownBy(cause, FD_SOCK2.class)) {
                // FD_SOCK2 reports its ports taken with an IllegalStateException of its own
                return new InvalidSettingException(GossipConfig.BIND_ADDR, config.bind().toString(), "failure detection"
                        + " cannot listen on any of ports " + fd + " to " + (fd + GossipStack.FD_PORTS)
                        + " (the advertised port + " + GossipStack.FD_PORT_OFFSET + "): " + cause.getMessage());
            }
        }
        return new IllegalStateException("gossip node " + node + " cannot start: " + e, e);
    }

    private static boolean thrownBy(Throwable e, Class<?> type) {
        return e.getStackTrace().length > 0 && e.getStackTrace()[0].getClassName().equals(type.getName());
    }

    private void onView(View view) {
        if (closed) {
            return;
        }
        ViewMembers now = ViewMembers.of(view.getMembers(), local);
        List<Member> before = members;
        members = now.members();
        LOG.log(Level.INFO, "gossip node {0}: {1} {2}: {3} members {4}{5}", node, view instanceof MergeView ? "merged view" : "view",
                view.getViewId(), now.members().size(), ids(now.members()), changes(before, now.members()));
        if (!now.duplicated().isEmpty()) {
            LOG.log(Level.WARNING, "gossip node {0}: node ids {1} are in view {2} more than once (a restarted node whose old"
                    + " address is not removed yet, or nodes sharing a NODE_ID): showing the newest address",
                    node, now.duplicated(), view.getViewId());
        }
        if (!now.foreign().isEmpty()) {
            LOG.log(Level.WARNING, "gossip node {0}: view {1} holds {2}, which advertise no StoreLog member: left out",
                    node, view.getViewId(), now.foreign());
        }
        events.publish(now.members());
    }

    private static List<String> ids(List<Member> members) {
        return members.stream().map(Member::nodeId).toList();
    }

    private static String changes(List<Member> before, List<Member> after) {
        Set<String> joined = new HashSet<>(ids(after));
        ids(before).forEach(joined::remove);
        Set<String> left = new HashSet<>(ids(before));
        ids(after).forEach(left::remove);
        return (joined.isEmpty() ? "" : ", joined " + joined) + (left.isEmpty() ? "" : ", left " + left);
    }

    /** The channel, for tests that look into the stack; null before start. */
    synchronized JChannel channel() {
        return channel;
    }

    @Override
    public List<Member> members() {
        return members;
    }

    /** Leaves the cluster (the others see a view without this node at once) and stops every thread. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean started = state == State.STARTED;
        state = State.CLOSED;
        if (started) {
            closeQuietly();
            LOG.log(Level.INFO, "gossip node {0}: left cluster {1}", node, config.cluster());
        }
    }

    private void closeQuietly() {
        closed = true;
        if (seeds != null) {
            seeds.close();
        }
        if (channel != null) {
            channel.close();
        }
        members = List.of();
        if (events != null) {
            events.close();
        }
    }
}
