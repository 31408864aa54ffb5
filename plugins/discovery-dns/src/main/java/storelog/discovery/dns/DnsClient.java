package storelog.discovery.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Asks one question of a list of DNS servers, in order, until one of them answers it: with records,
 * with none ({@code NOERROR}), or with {@code NXDOMAIN} — all of which are answers. A server that
 * does not answer within the timeout, cannot be reached or answers with another code
 * ({@code SERVFAIL}, {@code REFUSED} ...) is passed over. Each exchange is a {@link DnsTransport}
 * one, on the calling thread. Thread-safe.
 */
final class DnsClient {

    private final DnsTransport transport;
    private final Duration timeout;

    DnsClient(DnsTransport transport, Duration timeout) {
        this.transport = transport;
        this.timeout = timeout;
    }

    /**
     * The answer to {@code type} records of {@code name} from the first server that gives one.
     *
     * @throws LookupFailure when no server answered, with each server's failure
     */
    Message ask(List<InetSocketAddress> servers, Name name, int type) throws LookupFailure {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            try {
                Message answer = transport.exchange(server, query, timeout);
                int rcode = answer.getRcode();
                if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                    return answer;
                }
                failures.add(Seed.format(server.getAddress(), server.getPort()) + " answered " + Rcode.string(rcode));
            } catch (IOException e) {
                failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        throw new LookupFailure(Type.string(type) + " " + name + ": " + String.join("; ", failures));
    }
}
