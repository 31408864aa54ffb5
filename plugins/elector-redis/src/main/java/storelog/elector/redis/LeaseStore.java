package storelog.elector.redis;

import java.util.List;
import java.util.Optional;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The lease's commands on Redis ({@link LeaseScripts}) over one connection, and which lease value this
 * node holds there ({@link #held()}), so that whatever was won is what {@link #releaseHeld()} gives back.
 *
 * <p>Not thread-safe: the elector calls it from its one I/O thread only. A command that fails throws
 * {@link JedisException}; after a connection failure (refused, timed out) the connection is dropped and
 * the next command opens a new one — a timed-out connection may still deliver the late answer, which
 * must never be read as the answer to the next command.
 */
final class LeaseStore implements AutoCloseable {

    private final RedisSettings settings;
    private final HostAndPort address;
    private final JedisClientConfig config;
    private final List<String> leaderKey;
    private final List<String> epochKey;
    private Jedis connection;
    private String held;
    private String runId; // the run_id of the Redis process last connected to; null when unknown
    private long runSince; // when that process started at the latest (monotonic): uptime ago, or when first met
    private boolean metBefore; // whether this node has reached any Redis process yet

    /** What the win script answered. */
    sealed interface WinOutcome {
    }

    /**
     * This node won: {@code text} is the value set; {@code behind} whether Redis held less than the
     * winner had seen (no epoch key, or a lower one: {@link LeaseScripts#WIN}); {@code knownSince} when
     * (monotonic) the Redis process that ran the win started at the latest.
     */
    record Won(String text, LeaseValue value, boolean behind, long knownSince) implements WinOutcome {
    }

    /** Someone holds the lease: its value as stored, and how long it still lives (ms). */
    record Taken(String text, long remainingMillis) implements WinOutcome {
    }

    LeaseStore(RedisSettings settings, String clientName) {
        this.settings = settings;
        this.address = new HostAndPort(settings.host(), settings.port());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(settings.timeoutMillis()).socketTimeoutMillis(settings.timeoutMillis())
                .clientName(clientName).serverDefaultProtocol(); // RESP2: no HELLO round trip, any Redis version
        settings.password().ifPresent(builder::password);
        this.config = builder.build();
        this.leaderKey = List.of(settings.leaderKey());
        this.epochKey = List.of(settings.epochKey());
    }

    /**
     * Runs the win script for this node above {@code floor} in residue class {@code slot} of {@code slots}.
     *
     * @throws JedisDataException when Redis refuses (epoch key not a number, epoch above {@link LeaseScripts#MAX_EPOCH})
     */
    WinOutcome win(String nodeId, String http, long floor, int slot, int slots) {
        List<?> reply = (List<?>) call(c -> c.eval(LeaseScripts.WIN, List.of(settings.leaderKey(), settings.epochKey()),
                List.of(nodeId, http, Long.toString(floor), Integer.toString(slot), Integer.toString(slots),
                        Long.toString(settings.ttlMillis()), Long.toString(LeaseScripts.MAX_EPOCH))));
        String text = (String) reply.get(1);
        if ((Long) reply.get(0) == 0) {
            return new Taken(text, (Long) reply.get(2));
        }
        held = text;
        LeaseValue value = LeaseValue.parse(text).orElseThrow(() -> new IllegalStateException("the win script wrote " + text));
        return new Won(text, value, (Long) reply.get(2) == 1, runSince);
    }

    /** Extends the lease if it still holds {@code text}; false when it does not (expired, or someone else's). */
    boolean renew(String text) {
        boolean renewed = (Long) call(c -> c.eval(LeaseScripts.RENEW, leaderKey, List.of(text,
                Long.toString(settings.ttlMillis())))) == 1;
        if (!renewed && text.equals(held)) {
            held = null;
        }
        return renewed;
    }

    /** Deletes the lease this node holds, if it still holds it; does nothing when it holds none. */
    void releaseHeld() {
        if (held != null) {
            String text = held;
            held = null; // not retried: if this fails, the lease expires by itself within a TTL
            call(c -> c.eval(LeaseScripts.RELEASE, leaderKey, List.of(text)));
        }
    }

    /** The value this node last won and has not lost or released, if any. */
    Optional<String> held() {
        return Optional.ofNullable(held);
    }

    /** The lease's value as stored, empty when nobody holds it. */
    Optional<String> read() {
        return Optional.ofNullable(call(c -> c.get(settings.leaderKey())));
    }

    /** Raises the epoch key to at least {@code epoch} when it exists (never lowers it). */
    void raiseEpoch(long epoch) {
        call(c -> c.eval(LeaseScripts.RAISE_EPOCH, epochKey, List.of(Long.toString(epoch))));
    }

    /** Closes the connection; a lease still held stays in Redis until it expires. */
    @Override
    public void close() {
        disconnect();
    }

    private <T> T call(Command<T> command) {
        try {
            if (connection == null) {
                Jedis opened = new Jedis(address, config);
                connection = opened;
                met(opened);
            }
            return command.run(connection);
        } catch (JedisDataException e) {
            throw e; // Redis answered (an error reply): the connection is fine
        } catch (JedisException e) {
            disconnect();
            throw e;
        }
    }

    /**
     * Notes which Redis process a new connection reached ({@code run_id}, new at every start of
     * redis-server) and since when it runs ({@code uptime_in_seconds}). A restarted Redis — empty, or
     * loaded from an older snapshot — may have lost leases that some node still acts on; such a lease is
     * never acted on longer than one TTL after the process that granted it died, which was before this
     * process started. So a lease won from a process that started less than a TTL ago is held before it
     * is acted on ({@code Won#knownSince}). For the first process this node reaches, the start is taken
     * as "uptime ago" when the answer came (a whole number of seconds, rounded down, counted 1 % short
     * for clock rates): the latest it can have started. A process that replaces one this node reached
     * before counts as started when this node meets it: it may be a replica promoted after running for
     * long, without the last renewals of the lease. One connection reaches one process: a restart
     * breaks the connection, and the next one asks again. A Redis that refuses {@code INFO} (an ACL)
     * counts as started at every new connection.
     */
    private void met(Jedis opened) {
        Info info;
        try {
            info = Info.parse(opened.info("server"));
        } catch (JedisDataException e) {
            info = new Info(null, 0);
        }
        long now = System.nanoTime();
        if (info.runId() == null || !info.runId().equals(runId)) {
            // a process met before this one was replaced while this node ran (a restart, a failover to a
            // replica that has run for long but may lack the last renewals): from now; else uptime ago
            runSince = metBefore ? now : now - info.uptimeSeconds() * 990_000_000L; // 99 % of each second
            runId = info.runId();
        }
        metBefore = true;
    }

    /** What {@code INFO server} says of the process: its run id (null when absent) and uptime in seconds. */
    private record Info(String runId, long uptimeSeconds) {
        static Info parse(String info) {
            String id = null;
            long uptime = 0;
            for (String line : info.split("\\r?\\n")) {
                if (line.startsWith("run_id:")) {
                    id = line.substring("run_id:".length()).strip();
                } else if (line.startsWith("uptime_in_seconds:")) {
                    try {
                        uptime = Math.max(0, Long.parseLong(line.substring("uptime_in_seconds:".length()).strip()));
                    } catch (NumberFormatException e) {
                        uptime = 0;
                    }
                }
            }
            return new Info(id, Math.min(uptime, 365L * 24 * 3600)); // no overflow of the nanosecond arithmetic
        }
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JedisException e) {
                // already broken: nothing to give back
            }
            connection = null;
        }
    }

    @FunctionalInterface
    private interface Command<T> {
        T run(Jedis connection);
    }
}
