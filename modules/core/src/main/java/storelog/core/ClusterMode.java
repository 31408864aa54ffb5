package storelog.core;

import java.util.List;
import java.util.Optional;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * Whether a node runs in a cluster, decided from its configuration in this one place: it does when
 * any of {@value #SEEDS}, {@value #SERVICE_NAME}, {@value #DNS_SERVER} or {@value #ELECTOR} is set
 * (to anything not blank) — the settings that only make sense with peers. Defaults do not count: a
 * node started with none of them is standalone, its own leader.
 *
 * <p>A clustered node must have {@value #CLUSTER_SECRET}: node-to-node requests ({@code /replicate})
 * change what a node stores, so they must prove they come from a member. {@link #of(Settings)}
 * refuses a clustered configuration without one.
 *
 * @param setBy  the variables that make the node clustered, in the order above; empty when standalone
 * @param secret {@code CLUSTER_SECRET}, when set
 */
public record ClusterMode(List<String> setBy, Optional<String> secret) {

    public static final String SEEDS = "SEEDS";
    public static final String SERVICE_NAME = "SERVICE_NAME";
    public static final String DNS_SERVER = "DNS_SERVER";
    public static final String ELECTOR = "ELECTOR";
    public static final String CLUSTER_SECRET = "CLUSTER_SECRET";
    /** The variables that put a node into a cluster, in the order above. */
    public static final List<String> VARIABLES = List.of(SEEDS, SERVICE_NAME, DNS_SERVER, ELECTOR);

    public ClusterMode {
        setBy = List.copyOf(setBy);
    }

    /**
     * The cluster mode of {@code settings}.
     *
     * @throws InvalidSettingException when the node is clustered and {@code CLUSTER_SECRET} is unset
     */
    public static ClusterMode of(Settings settings) {
        List<String> setBy = VARIABLES.stream()
                .filter(name -> !settings.string(name, "").isEmpty()).toList();
        Optional<String> secret = settings.get(CLUSTER_SECRET).filter(s -> !s.isBlank());
        if (!setBy.isEmpty() && secret.isEmpty()) {
            throw new InvalidSettingException(CLUSTER_SECRET, "", "required when the node runs in a cluster (" + setBy.get(0)
                    + " is set): node-to-node requests must prove they come from a member");
        }
        return new ClusterMode(setBy, secret);
    }

    /** Whether the node runs in a cluster. */
    public boolean clustered() {
        return !setBy.isEmpty();
    }
}
