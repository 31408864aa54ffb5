package storelog.discovery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.ResolverConfig;

/**
 * Whom to ask, and under which names: {@code DNS_SERVER} when set, else the system's resolver
 * configuration (on Linux {@code /etc/resolv.conf}: its name servers, search domains and
 * {@code ndots}, as dnsjava's {@link ResolverConfig} reads them). Thread-safe (immutable).
 */
sealed interface NameServers {

    static NameServers of(DnsConfig config) {
        return config.server().<NameServers>map(Configured::new).orElseGet(SystemConfiguration::new);
    }

    /**
     * The servers' addresses, in the order to ask them; looked up again on every call, so a
     * {@code DNS_SERVER} host name that moves is followed.
     *
     * @throws LookupFailure when there is none
     */
    List<InetSocketAddress> addresses() throws LookupFailure;

    /** The fully qualified names to ask for {@code serviceName}, in order: the first with records wins. */
    List<Name> candidates(Name serviceName);

    /** For logs, e.g. {@code 10.0.0.2:53} or {@code system resolvers [...]}. */
    String describe();

    /**
     * {@code DNS_SERVER}: one server; a host name is looked up through the JVM's resolver on each
     * round (all its addresses, in the order given). The service name is asked as given, fully
     * qualified: a private server is not the system's, so the system's search domains do not apply.
     */
    record Configured(ServerAddress server) implements NameServers {

        @Override
        public List<InetSocketAddress> addresses() throws LookupFailure {
            if (server.literal().isPresent()) {
                return List.of(new InetSocketAddress(server.literal().get(), server.port()));
            }
            try {
                return Arrays.stream(InetAddress.getAllByName(server.host()))
                        .map(address -> new InetSocketAddress(address, server.port())).toList();
            } catch (UnknownHostException e) {
                throw new LookupFailure("the host of " + DnsConfig.DNS_SERVER + " (" + server.host() + ") cannot be resolved: "
                        + e.getMessage());
            }
        }

        @Override
        public List<Name> candidates(Name serviceName) {
            return List.of(absolute(serviceName));
        }

        @Override
        public String describe() {
            return server.toString();
        }
    }

    /**
     * No {@code DNS_SERVER}: the system's name servers, tried in order, and its search domains
     * applied to a name without a final dot the way the C library does it: a name with at least
     * {@code ndots} dots is first asked as it is, then with each search domain; a shorter one the
     * other way round. (In Kubernetes, {@code SERVICE_NAME=storelog} then finds
     * {@code storelog.<namespace>.svc.cluster.local}.)
     */
    record SystemConfiguration() implements NameServers {

        @Override
        public List<InetSocketAddress> addresses() throws LookupFailure {
            List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
            if (servers.isEmpty()) {
                throw new LookupFailure("the system's resolver configuration names no DNS server; set " + DnsConfig.DNS_SERVER);
            }
            return servers;
        }

        @Override
        public List<Name> candidates(Name serviceName) {
            ResolverConfig config = ResolverConfig.getCurrentConfig();
            return candidates(serviceName, config.searchPath(), config.ndots());
        }

        static List<Name> candidates(Name serviceName, List<Name> search, int ndots) {
            if (serviceName.isAbsolute() || search.isEmpty()) {
                return List.of(absolute(serviceName));
            }
            List<Name> searched = new ArrayList<>();
            for (Name domain : search) {
                try {
                    searched.add(Name.concatenate(serviceName, absolute(domain)));
                } catch (NameTooLongException e) {
                    // that domain cannot hold the name: skipped, as the C library does
                }
            }
            List<Name> all = new ArrayList<>();
            boolean asIsFirst = serviceName.labels() - 1 >= ndots;
            if (asIsFirst) {
                all.add(absolute(serviceName));
            }
            all.addAll(searched);
            if (!asIsFirst) {
                all.add(absolute(serviceName));
            }
            return List.copyOf(all);
        }

        @Override
        public String describe() {
            return "system resolvers " + ResolverConfig.getCurrentConfig().servers().stream()
                    .map(s -> Seed.format(s.getAddress(), s.getPort())).toList();
        }
    }

    private static Name absolute(Name name) {
        try {
            return name.isAbsolute() ? name : Name.concatenate(name, Name.root);
        } catch (NameTooLongException e) {
            throw new IllegalArgumentException("a name of at most 253 characters stays within 255 bytes: " + name, e);
        }
    }
}
