package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SeedTest {

    private static Seed seed(String literal, int port) throws Exception {
        return new Seed(InetAddress.getByName(literal), port);
    }

    @ParameterizedTest
    @CsvSource({
            "::1, [::1]:7946",
            "::, [::]:7946",
            "fd00:0:0:0:0:0:0:5, [fd00::5]:7946",
            "2001:db8:0:0:1:0:0:1, [2001:db8::1:0:0:1]:7946",
            "2001:db8:0:1:1:1:1:1, [2001:db8:0:1:1:1:1:1]:7946",
            "2001:DB8:AA:0:0:0:0:0, [2001:db8:aa::]:7946",
            "127.0.0.1, 127.0.0.1:7946"})
    void seedsAreWrittenLikeSeedsWithIpv6InItsShortestBracketedForm(String literal, String written) throws Exception {
        assertThat(seed(literal, 7946)).hasToString(written);
    }

    @Test
    void seedsSortIpv4FirstThenByAddressBytesThenPort() throws Exception {
        TreeSet<Seed> seeds = new TreeSet<>(List.of(seed("::1", 1), seed("127.0.0.10", 2), seed("127.0.0.9", 9),
                seed("127.0.0.9", 3), seed("200.0.0.1", 1), seed("127.0.0.10", 2)));

        assertThat(seeds).extracting(Seed::toString)
                .containsExactly("127.0.0.9:3", "127.0.0.9:9", "127.0.0.10:2", "200.0.0.1:1", "[::1]:1");
    }

    @Test
    void anAddressLooksTheSameWhateverHostNameItCameWith() throws Exception {
        Seed named = new Seed(InetAddress.getByAddress("node1.example.com", new byte[] {127, 0, 0, 1}), 7946);

        assertThat(named).isEqualTo(seed("127.0.0.1", 7946)).hasToString("127.0.0.1:7946");
    }
}
