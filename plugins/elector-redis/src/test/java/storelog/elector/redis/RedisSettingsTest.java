package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class RedisSettingsTest {

    private static RedisSettings read(Map<String, String> values) {
        return RedisSettings.from(Settings.of(values));
    }

    @Test
    void defaultsAreLocalRedisATenSecondLeaseAndTheDefaultClusterName() {
        RedisSettings settings = read(Map.of());

        assertThat(settings.host()).isEqualTo("localhost");
        assertThat(settings.port()).isEqualTo(6379);
        assertThat(settings.ttlMillis()).isEqualTo(10_000);
        assertThat(settings.leaderKey()).isEqualTo("storelog:storelog-cluster:leader");
        assertThat(settings.epochKey()).isEqualTo("storelog:storelog-cluster:epoch");
        assertThat(settings.password()).isEmpty();
    }

    @Test
    void aNodeWithAnotherSecretUsesOtherKeys() {
        RedisSettings right = read(Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "right"));
        RedisSettings wrong = read(Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "wrong"));

        assertThat(right.leaderKey()).startsWith("storelog:orders.").isNotEqualTo(wrong.leaderKey());
        assertThat(right.epochKey()).isNotEqualTo(wrong.epochKey());
    }

    @Test
    void theClusterNameNamesBothKeys() {
        RedisSettings settings = read(Map.of("SERVICE_NAME", "orders"));

        assertThat(settings.leaderKey()).isEqualTo("storelog:orders:leader");
        assertThat(settings.epochKey()).isEqualTo("storelog:orders:epoch");
    }

    @Test
    void timeoutsAreAFifthOfTheLeaseAndAtMostTwoSeconds() {
        assertThat(read(Map.of("LEADER_TTL", "1000")).timeoutMillis()).isEqualTo(200);
        assertThat(read(Map.of("LEADER_TTL", "10000")).timeoutMillis()).isEqualTo(2000);
        assertThat(read(Map.of("LEADER_TTL", "60000")).timeoutMillis()).isEqualTo(2000);
        assertThat(read(Map.of("LEADER_TTL", "1000")).roundMillis()).isEqualTo(333);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "499", "abc", "1.5", "3600001"})
    void aLeaseThatIsZeroTooShortOrNotANumberIsRefusedNamingLeaderTtl(String ttl) {
        assertThatThrownBy(() -> read(Map.of("LEADER_TTL", ttl)))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo("LEADER_TTL");
                    assertThat(e.value()).isEqualTo(ttl);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "localhost", "host:", ":6379", "host:0", "host:65536", "host:99999",
            "a b:6379", "::1:6379", "redis://host:6379", "host:63x9"})
    void anAddressThatIsNotHostColonPortIsRefusedNamingRedisAddr(String address) {
        assertThatThrownBy(() -> read(Map.of("REDIS_ADDR", address)))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo("REDIS_ADDR");
                    assertThat(e.getMessage()).startsWith("REDIS_ADDR=" + address + ":");
                });
    }

    @Test
    void hostNamesIpv4AndBracketedIpv6AreAccepted() {
        assertThat(read(Map.of("REDIS_ADDR", "redis.internal:7000")).address()).isEqualTo("redis.internal:7000");
        assertThat(read(Map.of("REDIS_ADDR", "127.0.0.1:1")).port()).isEqualTo(1);
        RedisSettings v6 = read(Map.of("REDIS_ADDR", "[::1]:6380"));
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.address()).isEqualTo("[::1]:6380");
    }

    @Test
    void aClusterNameWithWhiteSpaceIsRefusedNamingServiceName() {
        assertThatThrownBy(() -> read(Map.of("SERVICE_NAME", "my cluster")))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("SERVICE_NAME"));
    }

    @Test
    void thePasswordIsKeptButNeverShown() {
        RedisSettings settings = read(Map.of("REDIS_PASSWORD", "s3cret-pw"));

        assertThat(settings.password()).contains("s3cret-pw");
        assertThat(settings.toString()).doesNotContain("s3cret-pw").contains("with password");
    }
}
