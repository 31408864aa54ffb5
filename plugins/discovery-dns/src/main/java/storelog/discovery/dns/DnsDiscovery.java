package storelog.discovery.dns;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;
import storelog.api.spi.MembershipListener;

/**
 * A seed resolver: {@link #seeds()} lists the gossip addresses found for {@code SERVICE_NAME}
 * ({@link SeedLookup}); it has no members and never calls its listener.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@link #start} resolves once on the resolution thread and waits for it at most
 *       {@code DNS_TIMEOUT_MS}; after that the node goes on with whatever is known (nothing, if
 *       the first resolution is still running or failed). The thread then resolves again
 *       {@code DNS_INTERVAL_MS} after each resolution ends.</li>
 *   <li>{@link #seeds()} never blocks: it returns the seeds of the last resolution that got an
 *       answer. A failed resolution (timeout, SERVFAIL, an unreachable server) changes nothing, so
 *       one lost packet does not drop every seed. An answer without records — NXDOMAIN included,
 *       which is the server saying the name does not exist — is an answer: no seeds.</li>
 *   <li>Logs: INFO when the answer changes (name, server, records, seeds) and when resolution works
 *       again after failures; WARNING for the first failure of a run of failures only.</li>
 *   <li>{@link #close()} stops the thread, cutting short a query in flight; it is idempotent.</li>
 * </ul>
 * Thread-safe.
 */
final class DnsDiscovery implements Discovery {

    /** The name of the resolution thread (one per started plugin). */
    static final String THREAD_NAME = "storelog-dns-discovery";

    private enum State { NEW, STARTED, CLOSED }

    private final DnsConfig config;
    private final Logger log;
    private final NameServers servers;
    private final DnsTransport transport = new DnsTransport();
    private final SeedLookup lookup;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch firstResolution = new CountDownLatch(1);
    private volatile List<String> seeds = List.of();
    private volatile boolean answered;
    private volatile ScheduledExecutorService schedule;
    private volatile Thread worker;
    private volatile String node = "?";

    // owned by the resolution thread
    private Answer last;
    private long failures;

    DnsDiscovery(DnsConfig config) {
        this(config, System.getLogger(DnsDiscovery.class.getName()));
    }

    /** With the logger to write to (tests). */
    DnsDiscovery(DnsConfig config, Logger log) {
        this.config = config;
        this.log = log;
        this.servers = NameServers.of(config);
        this.lookup = new SeedLookup(config, servers, new DnsClient(transport, config.timeout()));
    }

    @Override
    public List<String> seeds() {
        return seeds;
    }

    /** False until a resolution got an answer: during a DNS outage since start, no seeds means "unknown". */
    @Override
    public boolean seedsKnown() {
        return answered;
    }

    /**
     * Starts resolving; returns after the first resolution or {@code DNS_TIMEOUT_MS}, whichever
     * comes first. Never fails because DNS does not answer.
     *
     * @throws IllegalStateException when started twice or after {@link #close()}
     */
    @Override
    public void start(DiscoveryContext context, MembershipListener listener) {
        if (!state.compareAndSet(State.NEW, State.STARTED)) {
            throw new IllegalStateException("the dns discovery is " + (state.get() == State.CLOSED ? "closed" : "already started"));
        }
        node = context.self().nodeId();
        ClassLoader plugin = DnsDiscovery.class.getClassLoader();
        schedule = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(task);
            t.setContextClassLoader(plugin);
            worker = t;
            return t;
        });
        schedule.scheduleWithFixedDelay(this::resolve, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        if (state.get() == State.CLOSED) {
            stop(); // closed while starting: close() may not have seen the schedule
            return;
        }
        try {
            if (!firstResolution.await(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.log(Level.INFO, prefix() + "the first resolution takes longer than " + config.timeout().toMillis()
                        + " ms; starting without DNS seeds, resolution goes on in the background");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Member> members() {
        return List.of();
    }

    /** Stops the resolution thread and waits for it to end (a query in flight is cut short). */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        transport.close();
        stop();
    }

    /**
     * Ends the schedule and waits until the thread has ended: not just until the executor says it
     * terminated, which it does while its last thread is still running.
     */
    private void stop() {
        ScheduledExecutorService running = schedule;
        if (running == null) {
            return;
        }
        running.shutdownNow();
        Thread last = worker;
        Duration bound = config.timeout().plusSeconds(1);
        try {
            if (last != null && !last.join(bound)) {
                log.log(Level.WARNING, prefix() + "the resolution thread did not stop within " + bound.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One resolution, on the resolution thread. Never throws: an exception would end the schedule. */
    private void resolve() {
        try {
            Answer answer = lookup.resolve();
            succeeded(answer);
        } catch (LookupFailure e) {
            failed(e.getMessage());
        } catch (RuntimeException e) {
            failed(e.toString());
        } finally {
            firstResolution.countDown();
        }
    }

    private void succeeded(Answer answer) {
        if (state.get() == State.CLOSED) {
            return;
        }
        if (failures > 0) {
            log.log(Level.INFO, prefix() + "works again after " + failures + " failed attempt(s)");
            failures = 0;
        }
        if (!answer.equals(last)) {
            log.log(Level.INFO, prefix() + "found " + answer);
            last = answer;
        }
        seeds = answer.seedStrings();
        answered = true;
    }

    private void failed(String reason) {
        if (state.get() == State.CLOSED) {
            return; // the failure is close() cutting the query short
        }
        if (failures++ == 0) {
            log.log(Level.WARNING, prefix() + "failed: " + reason + "; keeping the last " + seeds.size() + " seed(s) " + seeds
                    + " and retrying every " + config.interval().toMillis() + " ms (further failures are not logged until one succeeds)");
        }
    }

    /** What every log line starts with: the node, the name and the servers asked. */
    private String prefix() {
        return "dns discovery (node " + node + "): resolving " + config.serviceName() + " via " + servers.describe() + ": ";
    }
}
