package storelog.elector.redis;

/**
 * The Lua scripts that make each lease step one atomic command in Redis.
 *
 * <p><b>Keys.</b> {@code storelog:<name>:leader} holds the lease ({@link LeaseValue}) with an expiry of
 * {@code LEADER_TTL}; {@code storelog:<name>:epoch} holds the last epoch issued, a decimal number, with
 * no expiry. A Redis without the epoch key has never issued one or has lost its data.
 *
 * <p><b>Numbers.</b> Redis' Lua numbers are doubles: whole numbers are exact only up to
 * {@value #MAX_EPOCH} (2<sup>53</sup> − 1), and {@code tostring} prints 14 digits
 * ({@code 1.2345678901234e+14}). So the scripts write epochs with {@code string.format('%d')}, and the win
 * refuses to issue an epoch above {@value #MAX_EPOCH} (an error reply) rather than issue a rounded one
 * twice. Any stored epoch above 2<sup>53</sup> is read as at least 2<sup>53</sup> (rounding is
 * monotone), so the check holds for it too.
 */
final class LeaseScripts {

    /** The highest epoch the scripts issue or store: 2^53 − 1, the last whole number a double holds exactly. */
    static final long MAX_EPOCH = (1L << 53) - 1;

    /**
     * Win the lease if nobody holds it. KEYS: leader, epoch. ARGV: node id, http, floor (the winner's
     * highest seen epoch), slot, slots, TTL in ms, {@link #MAX_EPOCH}. Issues the smallest epoch {@code e}
     * with {@code e % slots == slot} above {@code max(epoch key, floor)} (as
     * {@code ElectionContext.nextEpochAbove}), stores it, and sets the lease.
     * Returns {@code {1, value, behind}} on a win, {@code behind} 1 when Redis is behind what the winner
     * has seen — the epoch key absent (a new cluster, or data lost) or below the floor (data older than
     * what the nodes saw: a restored snapshot, a replica that was behind; or epochs issued by another
     * elector that Redis was not told of) — else 0; {@code {0, holder's value, PTTL of the lease}}
     * otherwise. A winner on a Redis that is behind cannot know which leases it lost, so it holds the
     * lease one TTL before it leads.
     */
    static final String WIN = """
            local holder = redis.call('GET', KEYS[1])
            if holder then
              return {0, holder, redis.call('PTTL', KEYS[1])}
            end
            local floor = tonumber(ARGV[3])
            local stored = redis.call('GET', KEYS[2])
            local behind = 1
            if stored then
              if not string.match(stored, '^%d+$') then
                return redis.error_reply('ERR storelog: ' .. KEYS[2] .. ' does not hold a whole number')
              end
              local last = tonumber(stored)
              if last >= floor then
                behind = 0
                floor = last
              end
            end
            local slot = tonumber(ARGV[4])
            local slots = tonumber(ARGV[5])
            local epoch = floor + 1
            epoch = epoch + (slot - epoch) % slots
            if epoch > tonumber(ARGV[7]) then
              return redis.error_reply('ERR storelog: the next epoch would exceed ' .. ARGV[7])
            end
            epoch = string.format('%d', epoch)
            local value = ARGV[1] .. ' ' .. epoch .. ' ' .. ARGV[2]
            redis.call('SET', KEYS[2], epoch)
            redis.call('SET', KEYS[1], value, 'PX', ARGV[6])
            return {1, value, behind}
            """;

    /** Extend the lease only while it still holds this value. KEYS: leader. ARGV: value, TTL in ms. Returns 1 or 0. */
    static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;

    /** Delete the lease only while it still holds this value. KEYS: leader. ARGV: value. Returns 1 or 0. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /**
     * Raise the epoch key to at least ARGV[1], never lower it. KEYS: epoch. Returns 1 if raised.
     * An absent key is left absent: it tells the next winner that Redis lost its data and that it must
     * hold the lease for a TTL before it acts (docs/cluster.md); the winner's own floor covers the epoch.
     */
    static final String RAISE_EPOCH = """
            local stored = redis.call('GET', KEYS[1])
            if not stored then
              return 0
            end
            if not string.match(stored, '^%d+$') then
              return redis.error_reply('ERR storelog: ' .. KEYS[1] .. ' does not hold a whole number')
            end
            if tonumber(stored) < tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], ARGV[1])
              return 1
            end
            return 0
            """;

    private LeaseScripts() {
    }
}
