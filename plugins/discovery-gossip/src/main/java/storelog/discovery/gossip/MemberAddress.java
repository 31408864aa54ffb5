package storelog.discovery.gossip;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jgroups.Address;
import org.jgroups.util.ExtendedUUID;
import storelog.api.spi.Member;

/**
 * A member as its JGroups address: a random {@link ExtendedUUID} (new on every start) whose attributes
 * carry what the member advertises, so every node reads every member from the view itself. Keys and
 * values are UTF-8, each at most {@value #MAX_BYTES} bytes (JGroups writes their lengths as one byte):
 *
 * <table>
 *   <caption>address attributes</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code id}</td><td>the node id</td></tr>
 *   <tr><td>{@code http}</td><td>the HTTP address, {@code host:port}</td></tr>
 *   <tr><td>{@code boot}</td><td>when this address was made, ms since the epoch, decimal: of two
 *       addresses with one node id (a restarted node whose old address is not yet gone) the larger is
 *       the live one</td></tr>
 *   <tr><td>{@code auth}</td><td>the {@link SharedSecret} proof, only with {@code CLUSTER_SECRET}</td></tr>
 *   <tr><td>{@code n<i>}, {@code v<i>}</td><td>the name and value of the member's {@code i}-th attribute
 *       ({@code i} = 0, 1, ...), e.g. {@code n0=raft}, {@code v0=10.0.0.5:7947}</td></tr>
 * </table>
 * (ExtendedUUID cannot list its keys, hence numbered ones.)
 */
final class MemberAddress {

    static final String ID = "id";
    static final String HTTP = "http";
    static final String BOOT = "boot";
    static final String ATTRIBUTE_NAME = "n";
    static final String ATTRIBUTE_VALUE = "v";
    static final int MAX_BYTES = 255;
    /** JGroups keeps at most 255 attributes; four are the fixed ones, two per member attribute. */
    static final int MAX_ATTRIBUTES = 125;

    private MemberAddress() {
    }

    /**
     * A new address for {@code self}.
     *
     * @throws IllegalArgumentException when a value or key is longer than {@value #MAX_BYTES} bytes, or there are
     *                                  more than {@value #MAX_ATTRIBUTES} attributes
     */
    static ExtendedUUID create(Member self, long bootMillis, SharedSecret secret) {
        if (self.attributes().size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("the member has " + self.attributes().size() + " attributes, more than the "
                    + MAX_ATTRIBUTES + " a gossip address can carry");
        }
        ExtendedUUID address = ExtendedUUID.randomUUID(self.nodeId());
        put(address, ID, self.nodeId());
        put(address, HTTP, self.http());
        put(address, BOOT, Long.toString(bootMillis));
        int i = 0;
        for (Map.Entry<String, String> attribute : new TreeMap<>(self.attributes()).entrySet()) {
            put(address, ATTRIBUTE_NAME + i, attribute.getKey());
            put(address, ATTRIBUTE_VALUE + i, attribute.getValue());
            i++;
        }
        if (secret.isSet()) {
            address.put(SharedSecret.KEY, secret.proof(address));
        }
        return address;
    }

    private static void put(ExtendedUUID address, String key, String value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length > MAX_BYTES || valueBytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("the member's " + key + " (" + value + ") is longer than " + MAX_BYTES
                    + " bytes, more than a gossip address can carry");
        }
        address.put(keyBytes, valueBytes);
    }

    /** The member an address advertises, or empty when it is not a StoreLog member's address. */
    static Optional<Member> member(Address address) {
        if (!(address instanceof ExtendedUUID extended)) {
            return Optional.empty();
        }
        Optional<String> id = string(extended, ID);
        Optional<String> http = string(extended, HTTP);
        if (id.isEmpty() || http.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; extended.keyExists(ATTRIBUTE_NAME + i); i++) {
            attributes.put(string(extended, ATTRIBUTE_NAME + i).orElseThrow(), string(extended, ATTRIBUTE_VALUE + i).orElse(""));
        }
        return Optional.of(new Member(id.get(), http.get(), attributes));
    }

    /** The node id an address advertises. */
    static Optional<String> nodeId(Address address) {
        return address instanceof ExtendedUUID extended ? string(extended, ID) : Optional.empty();
    }

    /** When an address was made (ms since the epoch); 0 when it does not say. */
    static long bootMillis(Address address) {
        try {
            return address instanceof ExtendedUUID extended ? string(extended, BOOT).map(Long::parseLong).orElse(0L) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<String> string(ExtendedUUID address, String key) {
        return Optional.ofNullable(address.get(key)).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }
}
