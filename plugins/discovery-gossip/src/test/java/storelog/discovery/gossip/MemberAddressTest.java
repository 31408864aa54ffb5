package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Member;

class MemberAddressTest {

    private static final SharedSecret NONE = SharedSecret.of(null, "c");

    /** What a peer reads: the address written and read back as JGroups does on the wire. */
    private static ExtendedUUID overTheWire(ExtendedUUID address) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        address.writeTo(new DataOutputStream(bytes));
        ExtendedUUID read = new ExtendedUUID();
        read.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return read;
    }

    @Test
    void aMemberWithItsAttributesSurvivesTheWire() throws Exception {
        Member self = new Member("node-é", "10.0.0.5:8080", Map.of("raft", "10.0.0.5:7947", "zone", "eu-1", "empty", ""));

        ExtendedUUID read = overTheWire(MemberAddress.create(self, 42, SharedSecret.of("s", "c")));

        assertThat(MemberAddress.member(read)).contains(self);
        assertThat(MemberAddress.nodeId(read)).contains("node-é");
        assertThat(MemberAddress.bootMillis(read)).isEqualTo(42);
    }

    @Test
    void everyStartMakesANewAddress() {
        Member self = new Member("a", "h:1", Map.of());

        assertThat(MemberAddress.create(self, 1, NONE)).isNotEqualTo(MemberAddress.create(self, 1, NONE));
    }

    @Test
    void anAddressWithoutNodeIdOrHttpIsNoMember() {
        ExtendedUUID noHttp = ExtendedUUID.randomUUID();
        noHttp.put(MemberAddress.ID, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(MemberAddress.member(noHttp)).isEmpty();
        assertThat(MemberAddress.member(UUID.randomUUID())).isEmpty();
        assertThat(MemberAddress.member(null)).isEmpty();
        assertThat(MemberAddress.bootMillis(UUID.randomUUID())).isZero();
    }

    @Test
    void valuesUpTo255BytesFitLongerOnesAreRefused() {
        assertThat(MemberAddress.member(MemberAddress.create(new Member("a", "h:1", Map.of("raft", "é".repeat(127) + "x")), 1, NONE))
                .orElseThrow().attribute("raft")).hasValueSatisfying(v -> assertThat(v).hasSize(128));

        assertThatThrownBy(() -> MemberAddress.create(new Member("a", "h:1", Map.of("raft", "é".repeat(128))), 1, NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255 bytes");
        assertThatThrownBy(() -> MemberAddress.create(new Member("a".repeat(256), "h:1", Map.of()), 1, NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void upTo125AttributesFit() throws Exception {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < MemberAddress.MAX_ATTRIBUTES; i++) {
            many.put("k" + i, "v" + i);
        }
        Member self = new Member("a", "h:1", many);

        assertThat(MemberAddress.member(overTheWire(MemberAddress.create(self, 1, SharedSecret.of("s", "c"))))).contains(self);

        many.put("one-more", "x");
        assertThatThrownBy(() -> MemberAddress.create(new Member("a", "h:1", many), 1, NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
