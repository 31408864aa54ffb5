package storelog.cluster;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * The cluster's own settings (API.md §2), validated before anything starts. The plugins read and
 * validate theirs ({@code REDIS_ADDR}, {@code LEADER_TTL}, {@code BIND_ADDR}, {@code DNS_SERVER} ...)
 * from the same {@link Settings}.
 *
 * @param nodeId      {@code NODE_ID}
 * @param serviceName {@code SERVICE_NAME}: the cluster's name
 * @param seeds       {@code SEEDS}: gossip addresses of peers
 * @param electors    {@code ELECTOR}: elector plugins in order of preference
 * @param discovery   {@code DISCOVERY}: discovery plugins ({@code gossip}, and {@code dns} when a DNS name is configured)
 * @param advertise   {@code ADVERTISE_ADDR}: the gossip address other nodes reach this one by; its host is also the
 *                    host of this node's HTTP and Raft addresses
 * @param raftPort    {@code RAFT_PORT}: the Raft address this node advertises is {@code advertise:raftPort}
 * @param stateDir    {@code DATA_DIR/.cluster}: the epoch checkpoint and the electors' state
 */
public record ClusterSettings(String nodeId, String serviceName, List<HostPort> seeds, List<String> electors,
                              List<String> discovery, HostPort advertise, int raftPort, Path stateDir) {

    static final String DEFAULT_ELECTORS = "redis,raft";

    public ClusterSettings {
        seeds = List.copyOf(seeds);
        electors = List.copyOf(electors);
        discovery = List.copyOf(discovery);
    }

    /**
     * Reads and validates the cluster settings.
     *
     * @throws InvalidSettingException naming the first unusable variable
     */
    public static ClusterSettings from(Settings s) {
        String nodeId = s.string("NODE_ID", "node1");
        String serviceName = s.string("SERVICE_NAME", "storelog-cluster");
        if (!serviceName.matches("[A-Za-z0-9]([A-Za-z0-9._-]{0,252}[A-Za-z0-9])?")) {
            throw new InvalidSettingException("SERVICE_NAME", serviceName,
                    "expected a DNS name: letters, digits, '.', '-' and '_', at most 254 characters");
        }
        String rawSeeds = s.get("SEEDS").orElse("");
        List<HostPort> seeds = new ArrayList<>();
        for (String part : rawSeeds.split(",")) {
            if (!part.isBlank()) {
                seeds.add(HostPort.parse(part, "SEEDS", rawSeeds));
            }
        }
        if (!rawSeeds.isBlank() && seeds.isEmpty()) {
            throw new InvalidSettingException("SEEDS", rawSeeds, "expected host:port,host:port,...");
        }
        List<String> electors = names(s, "ELECTOR", DEFAULT_ELECTORS);
        boolean dns = isSet(s, "SERVICE_NAME") || isSet(s, "DNS_SERVER");
        List<String> discovery = names(s, "DISCOVERY", dns ? "gossip,dns" : "gossip");
        String advertiseAddr = s.string("ADVERTISE_ADDR", "127.0.0.1:7946");
        HostPort advertise = HostPort.parse(advertiseAddr, "ADVERTISE_ADDR", advertiseAddr);
        int raftPort = (int) s.longValue("RAFT_PORT", 7947, 1, 65535);
        String dataDir = s.string("DATA_DIR", "./data");
        Path stateDir;
        try {
            stateDir = Path.of(dataDir).toAbsolutePath().normalize().resolve(".cluster");
        } catch (InvalidPathException e) {
            throw new InvalidSettingException("DATA_DIR", dataDir, "not a valid path: " + e.getReason());
        }
        return new ClusterSettings(nodeId, serviceName, seeds, electors, discovery, advertise, raftPort, stateDir);
    }

    /** The Raft address this node advertises. */
    String raftAddress() {
        return new HostPort(advertise.host(), raftPort).toString();
    }

    private static List<String> names(Settings s, String variable, String fallback) {
        String raw = s.string(variable, fallback);
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String name = part.strip();
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                throw new InvalidSettingException(variable, raw, "expected plugin names separated by commas, e.g. " + fallback);
            }
            if (!names.add(name)) {
                throw new InvalidSettingException(variable, raw, name + " is named twice");
            }
        }
        return List.copyOf(names);
    }

    private static boolean isSet(Settings s, String name) {
        Optional<String> value = s.get(name);
        return value.isPresent() && !value.get().isBlank();
    }
}
