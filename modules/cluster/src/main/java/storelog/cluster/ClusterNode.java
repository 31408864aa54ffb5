package storelog.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.api.spi.PluginProvider;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import storelog.core.ClusterView;
import storelog.core.EpochFence;
import storelog.core.GapObservation;
import storelog.core.PluginRegistry;

/**
 * A node's cluster life (docs/cluster.md): discovery plugins, the elector chain and the epoch
 * checkpoint, as a {@link ClusterView}. {@link #open} validates the settings and finds the plugins
 * (so a bad value stops start-up before anything runs); {@link #start} joins the cluster once the
 * node's HTTP address is known; {@link #close()} leaves it (electors first, so a lease is released
 * before the membership goes).
 *
 * <p>Thread-safe. Before {@link #start} the node is a candidate with no leader.
 */
public final class ClusterNode implements ClusterView, AutoCloseable {

    private static final Logger LOG = System.getLogger(ClusterNode.class.getName());

    private final ClusterSettings settings;
    private final Settings all;
    private final PluginRegistry registry;
    private final EpochCheckpoint checkpoint;
    private final List<Plugin<Discovery>> discovery;
    private volatile Membership membership;
    private volatile ElectorChain chain;
    private final List<Consumer<Leadership>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<Member>>> memberListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<List<GapObservation>> gaps = List::of;
    private volatile java.util.function.BooleanSupplier catchingUp = () -> false;

    private ClusterNode(ClusterSettings settings, Settings all, PluginRegistry registry, EpochCheckpoint checkpoint,
                        List<Plugin<Discovery>> discovery) {
        this.settings = settings;
        this.all = all;
        this.registry = registry;
        this.checkpoint = checkpoint;
        this.discovery = discovery;
    }

    /**
     * Validates the cluster settings, checks that the named plugins exist, opens the discovery
     * plugins (which validate their own settings) and reads the epoch checkpoint.
     *
     * @throws InvalidSettingException naming the first unusable variable ({@code ELECTOR=zookeeper} ...)
     * @throws storelog.api.StorageFailedException when the epoch checkpoint is unreadable
     */
    public static ClusterNode open(Settings settings, PluginRegistry registry) {
        ClusterSettings cluster = ClusterSettings.from(settings);
        for (String name : cluster.electors()) {
            provider(registry, LeaderElectorProvider.class, "ELECTOR", name);
        }
        List<Plugin<Discovery>> discovery = new ArrayList<>();
        try {
            for (String name : cluster.discovery()) {
                DiscoveryProvider provider = provider(registry, DiscoveryProvider.class, "DISCOVERY", name);
                discovery.add(new Plugin<>(name, provider, registry.withLoaderOf(provider, () -> provider.open(settings)), registry));
            }
            return new ClusterNode(cluster, settings, registry, EpochCheckpoint.open(cluster.stateDir()), discovery);
        } catch (RuntimeException e) {
            discovery.forEach(d -> d.run(() -> d.instance().close()));
            throw e;
        }
    }

    private static <P extends PluginProvider> P provider(PluginRegistry registry, Class<P> spi, String variable, String name) {
        List<P> all = registry.providers(spi);
        return all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new InvalidSettingException(
                variable, name, "no " + spi.getSimpleName() + " plugin has that name; found: "
                + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(PluginProvider::name).sorted().toList()))));
    }

    /**
     * Joins the cluster: starts discovery with this node as a member reachable at {@code http}, then
     * the electors. Returns once they run; the first leader may be known only later.
     *
     * @param http this node's HTTP address as other nodes and clients reach it ({@code host:port})
     */
    public synchronized void start(String http) {
        if (membership != null) {
            throw new IllegalStateException("already started");
        }
        Map<String, String> attributes = new java.util.HashMap<>(Map.of(Member.GOSSIP, settings.advertise().toString()));
        if (settings.electors().contains("raft")) {
            attributes.put(Member.RAFT, settings.raftAddress());
        }
        Member self = new Member(settings.nodeId(), http, attributes);
        Membership members = new Membership(self, settings.seeds(), discovery, this::membersChanged);
        members.start();
        membership = members;
        List<Plugin<LeaderElector>> electors = new ArrayList<>();
        ElectorChain[] holder = new ElectorChain[1];
        try {
            for (int i = 0; i < settings.electors().size(); i++) {
                String name = settings.electors().get(i);
                LeaderElectorProvider provider = provider(registry, LeaderElectorProvider.class, "ELECTOR", name);
                int slot = i;
                Path state = settings.stateDir().resolve(name);
                ElectionContext context = new ElectionContext(settings.nodeId(), all, self, members::members, members::seeds,
                        checkpoint::highest, slot, settings.electors().size(), createDirectory(state),
                        () -> holder[0] != null && holder[0].earlierUsable(slot), members::seedsKnown);
                electors.add(new Plugin<>(name, provider, registry.withLoaderOf(provider, () -> provider.open(context)), registry));
            }
            ElectorChain electorChain = new ElectorChain(electors, checkpoint, this::leadershipChanged);
            holder[0] = electorChain;
            electorChain.start();
            chain = electorChain;
        } catch (RuntimeException | Error e) {
            electors.reversed().forEach(p -> p.run(() -> p.instance().close()));
            members.close();
            membership = null;
            throw e;
        }
        LOG.log(Level.INFO, "node {0} joined cluster {1} as {2}; electors {3}, discovery {4}, highest epoch seen {5}",
                settings.nodeId(), settings.serviceName(), http, settings.electors(), settings.discovery(), checkpoint.highest());
    }

    private static Path createDirectory(Path dir) {
        try {
            return java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new storelog.api.StorageFailedException("cannot create " + dir + ": " + e, e);
        }
    }

    /**
     * Calls {@code listener} with every change of this node's leadership, in order, on an elector's
     * thread (it must not block). Register before {@link #start}.
     */
    public void onLeadershipChange(Consumer<Leadership> listener) {
        listeners.add(listener);
    }

    /** Calls {@code listener} with the whole member list after every change, on a discovery thread (must not block). */
    public void onMembersChange(Consumer<List<Member>> listener) {
        memberListeners.add(listener);
    }

    private void membersChanged(List<Member> members) {
        for (var listener : memberListeners) {
            try {
                listener.accept(members);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a membership listener failed", e);
            }
        }
    }

    /** Where {@link #catchingUp()} comes from: the replicator's current term. */
    public void catchingUpFrom(java.util.function.BooleanSupplier source) {
        this.catchingUp = source;
    }

    @Override
    public boolean catchingUp() {
        return leadership().role() == Leadership.Role.LEADER && catchingUp.getAsBoolean();
    }

    /** Where {@link #gaps()} comes from: the replicator's gap check. */
    public void gapsFrom(Supplier<List<GapObservation>> source) {
        this.gaps = source;
    }

    /** The highest epoch this node has seen, as a fence: kept on disk, every elector told of a higher one. */
    public EpochFence fence() {
        return new EpochFence() {
            @Override
            public long highest() {
                return checkpoint.highest();
            }

            @Override
            public void raise(long epoch) {
                epochSeen(epoch);
            }
        };
    }

    private void leadershipChanged(Leadership leadership) {
        for (var listener : listeners) {
            try {
                listener.accept(leadership);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a leadership listener failed", e);
            }
        }
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public Leadership leadership() {
        ElectorChain c = chain;
        return c == null ? new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), checkpoint.highest()) : c.leadership();
    }

    @Override
    public Optional<String> leaderHttp() {
        Optional<String> leader = leadership().leaderId();
        return leader.flatMap(id -> members().stream().filter(m -> m.nodeId().equals(id)).map(Member::http).findFirst());
    }

    @Override
    public String elector() {
        ElectorChain c = chain;
        return c == null ? settings.electors().getFirst() : c.activeName();
    }

    @Override
    public List<Member> members() {
        Membership m = membership;
        return m == null ? List.of() : m.members();
    }

    @Override
    public List<GapObservation> gaps() {
        return gaps.get();
    }

    /** The highest epoch this node has seen (on disk). */
    public long highestEpoch() {
        return checkpoint.highest();
    }

    /** A higher epoch learned outside the electors (replication): kept on disk, every elector told. */
    public void epochSeen(long epoch) {
        ElectorChain c = chain;
        if (c != null) {
            c.epochSeen(epoch);
        } else {
            checkpoint.raise(epoch);
        }
    }

    /** The configured electors and discovery plugins, by name, for {@code /status}. */
    public List<String> electorNames() {
        return settings.electors();
    }

    public List<String> discoveryNames() {
        return settings.discovery();
    }

    @Override
    public synchronized void close() {
        ElectorChain c = chain;
        chain = null;
        if (c != null) {
            c.close();
        }
        Membership m = membership;
        if (m != null) {
            m.close();
        } else {
            discovery.forEach(d -> d.run(() -> d.instance().close()));
        }
    }
}
