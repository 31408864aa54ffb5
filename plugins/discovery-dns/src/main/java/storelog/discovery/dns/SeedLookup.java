package storelog.discovery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One resolution of {@code SERVICE_NAME} into seeds. What is asked, of each candidate name
 * ({@link NameServers#candidates}) in turn until one has records:
 * <ol>
 *   <li>{@code SRV} records of the name: each target with the record's port. A target's addresses
 *       are taken from the answer's additional section when it carries any for that target, else
 *       asked ({@code A} and {@code AAAA} of the target, of the same servers): the target is only
 *       known to those servers, not necessarily to the JVM's resolver, so the seed is the address,
 *       not the host name. A target {@code .} ("no service", RFC 2782) and a target without
 *       addresses give no seed. Priority and weight are ignored: every target is a seed.</li>
 *   <li>{@code A} and {@code AAAA} records of the name: each address with {@code CLUSTER_PORT}.</li>
 * </ol>
 * Nothing else is asked: no {@code _service._proto} prefix is guessed (give the SRV owner name as
 * {@code SERVICE_NAME} when SRV records live under one). The seeds are the union, without
 * duplicates, in {@link Seed}'s order.
 *
 * <p>No records at all (every name {@code NXDOMAIN}, or {@code NOERROR} without records) is an
 * answer: no seeds. Any question without an answer (timeout, {@code SERVFAIL}, a server that cannot
 * be reached) makes the whole resolution fail with {@link LookupFailure}, so a half-answered
 * resolution never replaces a whole one. Thread-safe (it keeps no state between resolutions).
 */
final class SeedLookup {

    private final DnsConfig config;
    private final NameServers servers;
    private final DnsClient client;

    SeedLookup(DnsConfig config, NameServers servers, DnsClient client) {
        this.config = config;
        this.servers = servers;
        this.client = client;
    }

    /**
     * Resolves once.
     *
     * @throws LookupFailure when some question got no answer from any server
     */
    Answer resolve() throws LookupFailure {
        List<InetSocketAddress> addresses = servers.addresses();
        List<Name> candidates = servers.candidates(config.serviceName());
        boolean noSuchName = true;
        for (Name name : candidates) {
            Message srv = client.ask(addresses, name, Type.SRV);
            Message a = client.ask(addresses, name, Type.A);
            Message aaaa = client.ask(addresses, name, Type.AAAA);
            Answer answer = answer(addresses, name, srv, a, aaaa);
            if (!answer.seeds().isEmpty() || !answer.records().isEmpty()) {
                return answer;
            }
            noSuchName &= srv.getRcode() == Rcode.NXDOMAIN && a.getRcode() == Rcode.NXDOMAIN && aaaa.getRcode() == Rcode.NXDOMAIN;
        }
        return Answer.empty(candidates, noSuchName);
    }

    private Answer answer(List<InetSocketAddress> addresses, Name name, Message srv, Message a, Message aaaa)
            throws LookupFailure {
        SortedSet<Seed> seeds = new TreeSet<>();
        List<String> records = new ArrayList<>();
        List<SRVRecord> services = answers(srv, SRVRecord.class).stream()
                .sorted(Comparator.comparing(SRVRecord::getTarget).thenComparingInt(SRVRecord::getPort)).toList();
        Map<Name, List<InetAddress>> targets = new HashMap<>();
        for (SRVRecord service : services) {
            Name target = service.getTarget();
            if (target.equals(Name.root)) {
                records.add("SRV . (no service)");
                continue;
            }
            List<InetAddress> found = targets.get(target);
            if (found == null) {
                found = addressesOf(addresses, target, srv);
                targets.put(target, found);
            }
            found.forEach(address -> seeds.add(new Seed(address, service.getPort())));
            records.add("SRV " + target + ":" + service.getPort() + " -> "
                    + (found.isEmpty() ? "no address" : found.stream().map(Seed::host).toList()));
        }
        for (InetAddress address : addresses(a, aaaa)) {
            seeds.add(new Seed(address, config.clusterPort()));
            records.add((address.getAddress().length == 4 ? "A " : "AAAA ") + Seed.host(address));
        }
        return new Answer(name, List.copyOf(seeds), records);
    }

    /** A SRV target's addresses: from the additional section of the SRV answer, else asked. */
    private List<InetAddress> addressesOf(List<InetSocketAddress> servers, Name target, Message srv) throws LookupFailure {
        List<InetAddress> additional = new ArrayList<>();
        for (Record record : srv.getSection(Section.ADDITIONAL)) {
            if (record.getName().equals(target)) {
                if (record instanceof ARecord address) {
                    additional.add(address.getAddress());
                } else if (record instanceof AAAARecord address) {
                    additional.add(address.getAddress());
                }
            }
        }
        if (!additional.isEmpty()) {
            return sorted(additional);
        }
        return addresses(client.ask(servers, target, Type.A), client.ask(servers, target, Type.AAAA));
    }

    /** The addresses of A and AAAA answers (a CNAME chain's last records too), sorted. */
    private static List<InetAddress> addresses(Message a, Message aaaa) {
        List<InetAddress> all = new ArrayList<>();
        answers(a, ARecord.class).forEach(r -> all.add(r.getAddress()));
        answers(aaaa, AAAARecord.class).forEach(r -> all.add(r.getAddress()));
        return sorted(all);
    }

    private static List<InetAddress> sorted(List<InetAddress> addresses) {
        return addresses.stream().map(address -> new Seed(address, 0)).distinct().sorted().map(Seed::address).toList();
    }

    private static <R extends Record> List<R> answers(Message message, Class<R> type) {
        return message.getSection(Section.ANSWER).stream().filter(type::isInstance).map(type::cast).toList();
    }
}
