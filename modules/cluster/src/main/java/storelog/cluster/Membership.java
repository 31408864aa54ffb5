package storelog.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;

/**
 * The discovery plugins of a node, run together: their seeds are pooled with {@code SEEDS} (every
 * plugin sees all of them), and their members are merged by node id, this node always included.
 *
 * <p>Thread-safe: plugins report changes on their own threads; {@link #members()} and
 * {@link #seeds()} read the latest state without blocking.
 */
final class Membership implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Membership.class.getName());

    private final Member self;
    private final List<HostPort> configuredSeeds;
    private final List<Plugin<Discovery>> plugins;
    private final Consumer<List<Member>> onChange;
    private volatile List<Member> members;

    Membership(Member self, List<HostPort> configuredSeeds, List<Plugin<Discovery>> plugins, Consumer<List<Member>> onChange) {
        this.self = self;
        this.configuredSeeds = List.copyOf(configuredSeeds);
        this.plugins = List.copyOf(plugins);
        this.onChange = onChange;
        this.members = List.of(self);
    }

    /** Starts every plugin, in order; if one fails, the started ones are closed and the failure thrown. */
    void start() {
        List<Plugin<Discovery>> started = new ArrayList<>();
        try {
            for (Plugin<Discovery> plugin : plugins) {
                plugin.run(() -> plugin.instance().start(new DiscoveryContext(self, this::seeds), list -> changed()));
                started.add(plugin);
            }
        } catch (RuntimeException | Error e) {
            started.reversed().forEach(Membership::closeQuietly);
            throw e;
        }
        changed();
        LOG.log(Level.INFO, "discovery {0} started; seeds {1}", plugins.stream().map(Plugin::name).toList(), seeds());
    }

    /**
     * Whether the seeds tell which members to expect: {@code SEEDS} names a node other than this one
     * (then the initial members are known whatever DNS does: a cluster named by {@code SERVICE_NAME}
     * with explicit seeds is not held up by a resolver that never answers), or else every plugin's
     * seeds rest on an answer ({@link Discovery#seedsKnown()}).
     */
    boolean seedsKnown() {
        String own = self.attribute(Member.GOSSIP).orElse("");
        if (configuredSeeds.stream().anyMatch(s -> !s.toString().equalsIgnoreCase(own))) {
            return true;
        }
        for (Plugin<Discovery> plugin : plugins) {
            if (!plugin.instance().seedsKnown()) {
                return false;
            }
        }
        return true;
    }

    /** {@code SEEDS} and every plugin's seeds, without repeats, in that order. */
    List<String> seeds() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        configuredSeeds.forEach(s -> all.add(s.toString()));
        for (Plugin<Discovery> plugin : plugins) {
            all.addAll(plugin.instance().seeds());
        }
        return List.copyOf(all);
    }

    /** The members, this node first. */
    List<Member> members() {
        return members;
    }

    private synchronized void changed() {
        Map<String, Member> merged = new LinkedHashMap<>();
        merged.put(self.nodeId(), self);
        for (Plugin<Discovery> plugin : plugins) {
            for (Member m : plugin.instance().members()) {
                merged.putIfAbsent(m.nodeId(), m);
            }
        }
        List<Member> now = List.copyOf(merged.values());
        if (!now.equals(members)) {
            members = now;
            LOG.log(Level.INFO, "members: {0}", now.stream().map(m -> m.nodeId() + "@" + m.http()).toList());
            onChange.accept(now);
        }
    }

    @Override
    public void close() {
        plugins.reversed().forEach(Membership::closeQuietly);
    }

    private static void closeQuietly(Plugin<Discovery> plugin) {
        try {
            plugin.run(() -> plugin.instance().close());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing discovery " + plugin.name() + " failed", e);
        }
    }
}
