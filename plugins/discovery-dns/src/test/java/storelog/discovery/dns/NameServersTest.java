package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** Which names are asked for SERVICE_NAME: as given with DNS_SERVER, with the search domains without it. */
class NameServersTest {

    private static final List<Name> SEARCH = List.of(name("default.svc.cluster.local."), name("svc.cluster.local."));

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> candidates(String serviceName, int ndots) {
        return NameServers.SystemConfiguration.candidates(name(serviceName), SEARCH, ndots).stream().map(Name::toString).toList();
    }

    @Test
    void aConfiguredServerIsAskedTheNameAsGivenFullyQualified() {
        NameServers configured = new NameServers.Configured(new ServerAddress("127.0.0.1", 53));

        assertThat(configured.candidates(name("storelog"))).extracting(Name::toString).containsExactly("storelog.");
        assertThat(configured.candidates(name("storelog.example.com."))).extracting(Name::toString).containsExactly("storelog.example.com.");
    }

    @Test
    void aShortNameTriesTheSearchDomainsFirstAsTheCLibraryDoes() {
        assertThat(candidates("storelog", 5)).containsExactly(
                "storelog.default.svc.cluster.local.", "storelog.svc.cluster.local.", "storelog.");
        assertThat(candidates("storelog.default", 5)).containsExactly(
                "storelog.default.default.svc.cluster.local.", "storelog.default.svc.cluster.local.", "storelog.default.");
    }

    @Test
    void aNameWithAtLeastNdotsDotsIsAskedAsItIsFirst() {
        assertThat(candidates("storelog.example.com", 2)).containsExactly(
                "storelog.example.com.", "storelog.example.com.default.svc.cluster.local.", "storelog.example.com.svc.cluster.local.");
    }

    @Test
    void aFullyQualifiedNameIsNeverExtended() {
        assertThat(candidates("storelog.", 5)).containsExactly("storelog.");
    }

    @Test
    void withoutSearchDomainsTheNameIsAskedAsItIs() {
        assertThat(NameServers.SystemConfiguration.candidates(name("storelog"), List.of(), 1)).extracting(Name::toString)
                .containsExactly("storelog.");
    }
}
