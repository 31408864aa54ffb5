package storelog.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;

class ClusterNameTest {

    @Test
    void withoutASecretTheElectionNameIsTheServiceName() {
        assertThat(ClusterName.of(Settings.of(Map.of()))).isEqualTo("storelog-cluster");
        assertThat(ClusterName.of(Settings.of(Map.of("SERVICE_NAME", "orders")))).isEqualTo("orders");
    }

    @Test
    void nodesWithAnotherSecretElectUnderAnotherNameThatDoesNotShowTheSecret() {
        String right = ClusterName.of(Settings.of(Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "right")));
        String wrong = ClusterName.of(Settings.of(Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "wrong")));

        assertThat(right).startsWith("orders.").hasSize("orders.".length() + 16).doesNotContain("right");
        assertThat(wrong).isNotEqualTo(right);
        assertThat(ClusterName.of(Settings.of(Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "right")))).isEqualTo(right);
        assertThat(ClusterName.of(Settings.of(Map.of("SERVICE_NAME", "billing", "CLUSTER_SECRET", "right")))).isNotEqualTo(right);
    }
}
