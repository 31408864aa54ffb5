package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.Member;
import storelog.elector.redis.LeaseStore.Taken;
import storelog.elector.redis.LeaseStore.Won;

/** The Lua scripts on a real Redis: each step of the lease is one atomic command that does exactly its job. */
class LeaseStoreTest {

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.sharedRedis();

    private final Jedis jedis = CLUSTER.jedis();
    private RedisSettings settings;
    private LeaseStore store;

    @BeforeEach
    void openStore() {
        settings = CLUSTER.keys();
        store = new LeaseStore(settings, "test");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Won win(String node, long floor, int slot, int slots) {
        return (Won) store.win(node, "127.0.0.1:8080", floor, slot, slots);
    }

    @Test
    void aWinOnAnEmptyRedisSetsTheLeaseWithItsTtlAndTheFirstEpochOfTheClass() {
        Won won = win("n1", 0, 0, 2);

        assertThat(won.value()).isEqualTo(new LeaseValue("n1", 2, "127.0.0.1:8080"));
        assertThat(won.text()).isEqualTo("n1 2 127.0.0.1:8080");
        assertThat(won.behind()).as("no epoch key: a Redis that never issued one or lost its data").isTrue();
        assertThat(jedis.get(settings.leaderKey())).isEqualTo("n1 2 127.0.0.1:8080");
        assertThat(jedis.get(settings.epochKey())).isEqualTo("2");
        assertThat(jedis.pttl(settings.leaderKey())).isBetween(1L, 1000L);
        assertThat(jedis.ttl(settings.epochKey())).as("the epoch key never expires").isEqualTo(-1);
    }

    @Test
    void aWinWhileTheLeaseIsHeldReportsTheHolderAndWhenItExpires() {
        win("n1", 0, 0, 2);

        Taken taken = (Taken) store.win("n2", "h2", 100, 0, 2);

        assertThat(taken.text()).isEqualTo("n1 2 127.0.0.1:8080");
        assertThat(taken.remainingMillis()).isBetween(1L, 1000L);
        assertThat(jedis.get(settings.epochKey())).as("a lost campaign issues no epoch").isEqualTo("2");
    }

    @Test
    void theEpochIsTheSmallestOfTheWinnersClassAboveTheStoredEpochAndTheWinnersFloor() {
        long[][] cases = {{0, 0}, {7, 3}, {3, 7}, {8, 8}, {9, 2}, {123_456_789_012_345L, 5}, {10, 123_456_789_012_345L}};
        for (int slots = 1; slots <= 3; slots++) {
            for (int slot = 0; slot < slots; slot++) {
                for (long[] c : cases) {
                    long stored = c[0];
                    long floor = c[1];
                    jedis.del(settings.leaderKey());
                    jedis.set(settings.epochKey(), Long.toString(stored));

                    Won won = win("n1", floor, slot, slots);

                    long expected = context(slot, slots).nextEpochAbove(Math.max(stored, floor));
                    assertThat(won.value().epoch()).as("slot %d of %d, stored %d, floor %d", slot, slots, stored, floor)
                            .isEqualTo(expected);
                    assertThat(jedis.get(settings.epochKey())).as("written exactly, not as 1.2345678901234e+14")
                            .isEqualTo(Long.toString(expected));
                    assertThat(won.behind()).as("Redis holds less than the winner has seen").isEqualTo(stored < floor);
                }
            }
        }
    }

    @Test
    void epochsUpToTwoToTheFiftyThreeMinusOneAreIssuedExactlyAndNoneAbove() {
        long max = LeaseScripts.MAX_EPOCH; // 9007199254740991, odd
        jedis.set(settings.epochKey(), Long.toString(max - 3));

        assertThat(win("n1", 0, 0, 2).value().epoch()).isEqualTo(max - 1);

        jedis.del(settings.leaderKey());
        assertThatThrownBy(() -> win("n1", 0, 0, 2)).as("the next even epoch, 2^53, is not exact in Lua")
                .isInstanceOf(JedisDataException.class).hasMessageContaining("exceed");
        assertThat(jedis.get(settings.leaderKey())).isNull();
        assertThat(jedis.get(settings.epochKey())).isEqualTo(Long.toString(max - 1));

        jedis.set(settings.epochKey(), "99999999999999999999");
        assertThatThrownBy(() -> win("n1", 0, 0, 2)).isInstanceOf(JedisDataException.class);
        assertThatThrownBy(() -> win("n1", max, 0, 2)).isInstanceOf(JedisDataException.class);
    }

    @Test
    void anEpochKeyThatIsNotAWholeNumberStopsTheWinInsteadOfStartingOver() {
        jedis.set(settings.epochKey(), "twelve");

        assertThatThrownBy(() -> win("n1", 0, 0, 2)).isInstanceOf(JedisDataException.class)
                .hasMessageContaining("does not hold a whole number");
        assertThat(jedis.get(settings.leaderKey())).isNull();
    }

    @Test
    void renewalExtendsOnlyTheOwnersLease() {
        Won won = win("n1", 0, 0, 2);
        jedis.pexpire(settings.leaderKey(), 300);

        assertThat(store.renew(won.text())).isTrue();
        assertThat(jedis.pttl(settings.leaderKey())).isGreaterThan(300);

        jedis.set(settings.leaderKey(), "intruder 99 h"); // no expiry
        assertThat(store.renew(won.text())).isFalse();
        assertThat(jedis.pttl(settings.leaderKey())).as("the foreign lease is not given an expiry").isEqualTo(-1);
        assertThat(store.held()).as("a lease found lost is no longer held").isEmpty();
    }

    @Test
    void releaseDeletesOnlyTheOwnersLease() {
        Won won = win("n1", 0, 0, 2);
        assertThat(store.held()).contains(won.text());
        jedis.set(settings.leaderKey(), "intruder 99 h");

        store.releaseHeld();

        assertThat(jedis.get(settings.leaderKey())).isEqualTo("intruder 99 h");
        assertThat(store.held()).isEmpty();

        jedis.del(settings.leaderKey());
        win("n1", 0, 0, 2);
        store.releaseHeld();
        assertThat(jedis.exists(settings.leaderKey())).isFalse();
        assertThat(jedis.get(settings.epochKey())).as("releasing keeps the epoch").isEqualTo("4");
    }

    @Test
    void raisingTheEpochKeyNeverLowersItAndLeavesAnAbsentKeyAbsent() {
        store.raiseEpoch(50);
        assertThat(jedis.exists(settings.epochKey())).as("absent means: Redis lost its data").isFalse();

        jedis.set(settings.epochKey(), "10");
        store.raiseEpoch(50);
        assertThat(jedis.get(settings.epochKey())).isEqualTo("50");
        store.raiseEpoch(20);
        assertThat(jedis.get(settings.epochKey())).isEqualTo("50");
        assertThat(win("n1", 0, 0, 2).value().epoch()).isEqualTo(52);
    }

    @Test
    void readReturnsTheLeaseAsStoredOrNothing() {
        assertThat(store.read()).isEmpty();
        Won won = win("n1", 0, 0, 2);
        assertThat(store.read()).contains(won.text());
    }

    @Test
    void aRefusedConnectionIsAFailedCommandAndTheNextCommandConnectsAgain() {
        LeaseStore nowhere = new LeaseStore(RedisSettings.from(Settings.of(Map.of("REDIS_ADDR", "127.0.0.1:1",
                "LEADER_TTL", "1000"))), "test");
        assertThatThrownBy(nowhere::read).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        assertThatThrownBy(nowhere::read).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        nowhere.close();
    }

    private static ElectionContext context(int slot, int slots) {
        return new ElectionContext("n1", Settings.of(Map.of()), new Member("n1", "h", Map.of()), List::of, List::of,
                () -> 0, slot, slots, Path.of("."), () -> false);
    }
}
