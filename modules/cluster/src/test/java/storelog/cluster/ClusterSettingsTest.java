package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.core.PluginRegistry;

class ClusterSettingsTest {

    @Test
    void defaultsFollowTheContract() {
        ClusterSettings s = ClusterSettings.from(Settings.of(Map.of("SEEDS", "a:1,[::1]:2", "DATA_DIR", "/tmp/d")));

        assertThat(s.electors()).containsExactly("redis", "raft");
        assertThat(s.discovery()).containsExactly("gossip");
        assertThat(s.seeds()).extracting(HostPort::toString).containsExactly("a:1", "[::1]:2");
        assertThat(s.raftAddress()).isEqualTo("127.0.0.1:7947");
        assertThat(s.stateDir().toString()).isEqualTo("/tmp/d/.cluster");
        assertThat(ClusterSettings.from(Settings.of(Map.of("SERVICE_NAME", "logs"))).discovery()).containsExactly("gossip", "dns");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SEEDS|::",
            "SEEDS|a:b",
            "SEEDS|host:0",
            "SEEDS|,,,",
            "SEEDS|::1:7946",
            "ELECTOR|redis,redis",
            "ELECTOR|Redis",
            "RAFT_PORT|70000",
            "SERVICE_NAME|bad name",
            "ADVERTISE_ADDR|nohost",
            "DISCOVERY|gossip,,dns"})
    void aBadValueNamesItsVariable(String variable, String value) {
        assertThatThrownBy(() -> ClusterSettings.from(Settings.of(Map.of(variable, value))))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(((InvalidSettingException) e).name()).isEqualTo(variable));
    }

    @Test
    void anElectorThatNoPluginProvidesStopsStartUpNamingELECTOR() {
        assertThatThrownBy(() -> ClusterNode.open(Settings.of(Map.of("ELECTOR", "zookeeper")), PluginRegistry.bootLayer()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ELECTOR=zookeeper: no LeaderElectorProvider plugin has that name");
    }
}
