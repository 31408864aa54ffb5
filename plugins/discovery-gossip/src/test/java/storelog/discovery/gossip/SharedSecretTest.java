package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Member;

class SharedSecretTest {

    private static final Member SELF = new Member("a", "127.0.0.1:8080", Map.of());

    private static ExtendedUUID address(SharedSecret secret) {
        return MemberAddress.create(SELF, 1, secret);
    }

    @Test
    void anAddressMadeWithTheSameSecretAndClusterIsAdmitted() {
        assertThat(SharedSecret.of("s", "c").admits(address(SharedSecret.of("s", "c")))).isTrue();
    }

    @Test
    void anAddressMadeWithAnotherSecretOrForAnotherClusterIsRefused() {
        SharedSecret mine = SharedSecret.of("s", "c");

        assertThat(mine.admits(address(SharedSecret.of("t", "c")))).isFalse();
        assertThat(mine.admits(address(SharedSecret.of("s", "d")))).isFalse();
    }

    @Test
    void withoutASecretOnlyAddressesWithoutAProofAreAdmitted() {
        SharedSecret none = SharedSecret.of(null, "c");

        assertThat(none.admits(address(none))).isTrue();
        assertThat(none.admits(address(SharedSecret.of("s", "c")))).isFalse();
        assertThat(SharedSecret.of("s", "c").admits(address(none))).isFalse();
        assertThat(none.admits(null)).isFalse();
    }

    @Test
    void aProofCopiedOntoAnotherAddressIsRefused() {
        SharedSecret secret = SharedSecret.of("s", "c");
        ExtendedUUID genuine = address(secret);
        ExtendedUUID forged = address(SharedSecret.of(null, "c"));

        forged.put(SharedSecret.KEY, genuine.get(SharedSecret.KEY));

        assertThat(secret.admits(forged)).isFalse();
        assertThat(secret.verifies(forged, genuine.get(SharedSecret.KEY))).isFalse();
        assertThat(secret.verifies(genuine, genuine.get(SharedSecret.KEY))).isTrue();
    }

    @Test
    void aPlainUuidCarriesNoProof() {
        UUID plain = UUID.randomUUID();

        assertThat(SharedSecret.of("s", "c").admits(plain)).isFalse();
        assertThat(SharedSecret.of(null, "c").admits(plain)).isTrue();
    }

    @Test
    void theProofIsSixteenBytesAndNotTheSecret() {
        byte[] proof = address(SharedSecret.of("sixteen-byte-key", "c")).get(SharedSecret.KEY);

        assertThat(proof).hasSize(SharedSecret.PROOF_BYTES).isNotEqualTo("sixteen-byte-key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void printingAnAddressShowsNeitherTheProofNorTheAttributes() {
        JGroupsLogging.install();
        ExtendedUUID address = address(SharedSecret.of("s", "c"));

        assertThat(address.toString()).isEqualTo("a").doesNotContain(SharedSecret.KEY);
    }
}
