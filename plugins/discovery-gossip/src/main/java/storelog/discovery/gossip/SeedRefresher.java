package storelog.discovery.gossip;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.IpAddress;

/**
 * Turns {@code DiscoveryContext.seeds()} ({@code host:port} strings, which may change) into the
 * addresses {@link SeedPing} asks: re-read and resolved every period on a thread of its own (a DNS
 * lookup may block), logged when they change. A seed that is not {@code host:port} or does not
 * resolve is left out, and a supplier that throws leaves the seeds as they were, each with one warning
 * until that changes. Thread-safe.
 */
final class SeedRefresher implements AutoCloseable {

    private static final Logger LOG = System.getLogger(SeedRefresher.class.getName());

    private final String localNode;
    private final Supplier<List<String>> seeds;
    private final SeedPing discovery;
    private final Set<String> warned = new HashSet<>();
    private List<String> last = List.of();
    private boolean readFailing;
    private ScheduledExecutorService timer;

    SeedRefresher(String localNode, Supplier<List<String>> seeds, SeedPing discovery) {
        this.localNode = localNode;
        this.seeds = seeds;
        this.discovery = discovery;
    }

    /** Reads and resolves the seeds now, on the caller's thread, and hands them to discovery. */
    synchronized void refresh() {
        List<String> now;
        try {
            now = List.copyOf(new LinkedHashSet<>(seeds.get()));
        } catch (RuntimeException e) {
            if (!readFailing) {
                LOG.log(Level.WARNING, "gossip node {0}: the seed list cannot be read, keeping {1} until it can: {2}",
                        localNode, last, e.toString());
            }
            readFailing = true;
            return;
        }
        readFailing = false;
        Set<String> failing = new HashSet<>();
        List<PhysicalAddress> addresses = new ArrayList<>();
        for (String seed : now) {
            resolve(seed).ifPresentOrElse(addresses::addAll, () -> failing.add(seed));
        }
        warned.retainAll(failing);
        if (!now.equals(last) || !addresses.equals(discovery.seeds())) {
            LOG.log(Level.INFO, "gossip node {0}: seeds {1}, addresses {2}", localNode, now, addresses);
            last = now;
        }
        discovery.seeds(addresses);
    }

    private Optional<List<PhysicalAddress>> resolve(String seed) {
        Optional<HostPort> hostPort = HostPort.parse(seed).filter(h -> h.port() > 0);
        if (hostPort.isEmpty()) {
            warnOnce(seed, "is not host:port with a port from 1 to 65535");
            return Optional.empty();
        }
        try {
            List<PhysicalAddress> addresses = new ArrayList<>();
            for (InetAddress address : InetAddress.getAllByName(hostPort.get().host())) {
                addresses.add(new IpAddress(address, hostPort.get().port()));
            }
            return Optional.of(addresses);
        } catch (UnknownHostException e) {
            warnOnce(seed, "does not resolve: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void warnOnce(String seed, String problem) {
        if (warned.add(seed)) {
            LOG.log(Level.WARNING, "gossip node {0}: seed {1} {2}; left out until that changes", localNode, seed, problem);
        }
    }

    /** Refreshes every {@code periodMillis} from now on. */
    synchronized void start(long periodMillis) {
        timer = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform().daemon()
                .name("gossip-seeds-" + localNode).unstarted(task));
        timer.scheduleWithFixedDelay(this::refreshLogged, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void refreshLogged() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "gossip node " + localNode + ": refreshing the seeds failed", e);
        }
    }

    /** Stops refreshing and waits for a refresh under way (bounded). */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = timer;
            timer = null;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
