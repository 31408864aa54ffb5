package storelog.elector.redis;

import storelog.api.InvalidSettingException;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;

/** The {@code redis} elector: a lease with a fencing epoch in Redis ({@link RedisLeaseElector}). */
public final class RedisElectorProvider implements LeaderElectorProvider {

    public RedisElectorProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return "redis";
    }

    /**
     * Reads and checks the settings ({@link RedisSettings}) and creates the elector; connects nothing
     * until {@link LeaderElector#start}.
     *
     * @throws InvalidSettingException naming {@code REDIS_ADDR}, {@code LEADER_TTL} or {@code SERVICE_NAME}
     *                                 when unusable, or {@code NODE_ID} when it contains white space (the
     *                                 lease value separates its fields with spaces)
     */
    @Override
    public LeaderElector open(ElectionContext context) {
        RedisSettings settings = RedisSettings.from(context.settings());
        if (context.nodeId().isEmpty() || context.nodeId().chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidSettingException("NODE_ID", context.nodeId(), "the redis elector needs a node id without white space");
        }
        return new RedisLeaseElector(context, settings);
    }
}
