package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.Member;

class RedisElectorProviderTest {

    private static ElectionContext context(String nodeId, Map<String, String> settings) {
        return new ElectionContext(nodeId, Settings.of(settings), new Member(nodeId, "127.0.0.1:8080", Map.of()), List::of,
                List::of, () -> 0, 0, 2, Path.of("."), () -> false);
    }

    /**
     * The tests run on the module path, patched into storelog.elector.redis, which only provides
     * LeaderElectorProvider: the test adds the {@code uses} clause at run time, so the real ServiceLoader
     * lookup is exercised.
     */
    @Test
    void serviceLoaderFindsTheProviderNamedRedis() {
        RedisElectorProviderTest.class.getModule().addUses(LeaderElectorProvider.class);

        List<LeaderElectorProvider> redis = ServiceLoader.load(LeaderElectorProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("redis")).toList();

        assertThat(redis).singleElement().isInstanceOf(RedisElectorProvider.class);
    }

    @Test
    void theModuleDescriptorProvidesTheElectorAndExportsNothing() {
        ModuleDescriptor descriptor = RedisElectorProvider.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.name()).isEqualTo("storelog.elector.redis");
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.provides()).anySatisfy(provides -> {
            assertThat(provides.service()).isEqualTo(LeaderElectorProvider.class.getName());
            assertThat(provides.providers()).containsExactly(RedisElectorProvider.class.getName());
        });
        assertThat(redis.clients.jedis.Jedis.class.getModule().getName()).isEqualTo("redis.clients.jedis");
    }

    @Test
    void openingChecksTheSettingsAndConnectsNothing() {
        try (LeaderElector elector = new RedisElectorProvider().open(context("n1", Map.of("REDIS_ADDR", "127.0.0.1:1")))) {
            assertThat(elector.usable()).isFalse();
            assertThat(elector.tookOver()).isFalse();
        }
        assertThatThrownBy(() -> new RedisElectorProvider().open(context("n1", Map.of("LEADER_TTL", "0"))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("LEADER_TTL"));
        assertThatThrownBy(() -> new RedisElectorProvider().open(context("n1", Map.of("REDIS_ADDR", "nonsense"))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("REDIS_ADDR"));
    }

    @Test
    void aNodeIdWithWhiteSpaceIsRefusedBecauseTheLeaseValueIsSpaceSeparated() {
        assertThatThrownBy(() -> new RedisElectorProvider().open(context("node one", Map.of())))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("NODE_ID"));
    }
}
