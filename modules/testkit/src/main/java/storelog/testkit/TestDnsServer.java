package storelog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server for tests, built on dnsjava's message classes: UDP and TCP on one
 * port of a loopback address, records changed at run time, and faults on demand (delays, an error
 * code, silence). Use its {@link #address()} as {@code DNS_SERVER}.
 *
 * <p>What it answers: every name it holds records for is authoritative data ({@code AA}); a name it
 * holds nothing for is {@code NXDOMAIN}; a name without records of the asked type is an empty
 * {@code NOERROR} answer. An {@code SRV} answer carries the {@code A}/{@code AAAA} records of its
 * targets in the additional section (unless {@link #additionalSection(boolean) turned off}). Over UDP
 * an answer longer than the client's EDNS payload size (512 bytes without EDNS) is truncated and
 * flagged {@code TC}, as real servers do, so the client must ask again over TCP.
 *
 * <p>Names are case-insensitive and taken as fully qualified ({@code node1.storelog.test} and
 * {@code node1.storelog.test.} are the same name). Records are given in zone-file form, type then data:
 * {@code "A 127.0.0.1"}, {@code "AAAA ::1"}, {@code "SRV 0 0 7946 node1.storelog.test"}.
 *
 * <p>Thread-safe: records and faults may be changed while queries are answered; each change applies
 * to the queries that arrive after it. Each query is answered on a virtual thread of its own, so a
 * delayed answer does not hold up the others. The test must {@link #close()} it.
 *
 * <p>dnsjava is an optional dependency of the test kit: a module whose tests use this class needs
 * {@code dnsjava:dnsjava} in its test dependencies.
 */
public final class TestDnsServer implements AutoCloseable {

    private static final long TTL_SECONDS = 5;
    private static final int PLAIN_UDP_LIMIT = 512;
    private static final int BIND_ATTEMPTS = 20;

    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final InetSocketAddress local;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> loops = new ArrayList<>();
    private volatile Duration delay = Duration.ZERO;
    private volatile int failure = Rcode.NOERROR;
    private volatile boolean silent;
    private volatile boolean additional = true;

    /** One query as it arrived: the asked name (fully qualified, with the final dot), type and transport. */
    public record Query(String name, String type, boolean tcp) {
    }

    private TestDnsServer(DatagramChannel udp, ServerSocketChannel tcp) throws IOException {
        this.udp = udp;
        this.tcp = tcp;
        this.local = (InetSocketAddress) udp.getLocalAddress();
        int port = port();
        loops.add(Thread.ofPlatform().daemon().name("test-dns-udp-" + port).start(this::serveUdp));
        loops.add(Thread.ofPlatform().daemon().name("test-dns-tcp-" + port).start(this::serveTcp));
    }

    /** Starts a server on a free port of 127.0.0.1, the same port for UDP and TCP. */
    public static TestDnsServer start() {
        return start("127.0.0.1", 0);
    }

    /**
     * Starts a server on {@code host} (an IP address literal, e.g. {@code 127.0.0.42} or {@code ::1}) and
     * {@code port}; port 0 picks a free one. For tests of a default port such as 53: an address of
     * 127.0.0.0/8 of its own keeps it from meeting other tests' servers.
     */
    public static TestDnsServer start(String host, int port) {
        InetAddress address = literal(host);
        IOException last = null;
        for (int attempt = 0; attempt < (port == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            DatagramChannel udp = null;
            try {
                udp = DatagramChannel.open(address.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                udp.bind(new InetSocketAddress(address, port));
                int bound = ((InetSocketAddress) udp.getLocalAddress()).getPort();
                // the free UDP port may be taken for TCP: then try another pair
                ServerSocketChannel tcp = ServerSocketChannel.open().bind(new InetSocketAddress(address, bound));
                return new TestDnsServer(udp, tcp);
            } catch (IOException e) {
                last = e;
                closeQuietly(udp);
            }
        }
        throw new UncheckedIOException("no UDP and TCP port pair could be bound on " + host + ":" + port, last);
    }

    /** The port, the same for UDP and TCP (also after close). */
    public int port() {
        return local.getPort();
    }

    /** {@code host:port} ({@code [v6]:port} for IPv6), e.g. for {@code DNS_SERVER} (also after close). */
    public String address() {
        String host = local.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + local.getPort();
    }

    /** Replaces every record of {@code name} with {@code records} (zone-file type and data); none removes the name. */
    public TestDnsServer set(String name, String... records) {
        Name owner = name(name);
        List<Record> parsed = parse(owner, records);
        if (parsed.isEmpty()) {
            zone.remove(owner);
        } else {
            zone.put(owner, parsed);
        }
        return this;
    }

    /** Adds {@code records} (zone-file type and data) to those of {@code name}. */
    public TestDnsServer add(String name, String... records) {
        Name owner = name(name);
        List<Record> parsed = parse(owner, records);
        zone.merge(owner, parsed, (old, added) -> {
            List<Record> all = new ArrayList<>(old);
            all.addAll(added);
            return List.copyOf(all);
        });
        return this;
    }

    /** Removes every record: every name is then NXDOMAIN. */
    public void clear() {
        zone.clear();
    }

    /** Whether SRV answers carry their targets' addresses in the additional section (the default). */
    public void additionalSection(boolean include) {
        additional = include;
    }

    /** Holds every answer this long before sending it (zero: at once). */
    public void delayAnswers(Duration delay) {
        this.delay = delay;
    }

    /** Answers every query with this response code and no records, e.g. {@code SERVFAIL} or {@code REFUSED}. */
    public void failWith(String rcode) {
        int value = Rcode.value(rcode);
        if (value < 0) {
            throw new IllegalArgumentException("not a DNS response code: " + rcode);
        }
        failure = value;
    }

    /** Whether to leave every query unanswered, as a server that stopped answering (or a lost network) does. */
    public void ignoreQueries(boolean ignore) {
        silent = ignore;
    }

    /** Ends every fault: no delay, no error code, no silence. */
    public void answerNormally() {
        delay = Duration.ZERO;
        failure = Rcode.NOERROR;
        silent = false;
    }

    /** Every query received so far, in order of arrival (also those left unanswered). */
    public List<Query> queries() {
        return List.copyOf(queries);
    }

    /** Stops answering and closes the port; queries in flight are dropped. */
    @Override
    public void close() {
        closeQuietly(udp);
        closeQuietly(tcp);
        connections.forEach(TestDnsServer::closeQuietly);
        for (Thread loop : loops) {
            try {
                loop.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "TestDnsServer[" + address() + "]";
    }

    private void serveUdp() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        while (udp.isOpen()) {
            SocketAddress client;
            try {
                buffer.clear();
                client = udp.receive(buffer);
            } catch (IOException e) {
                return; // closed
            }
            byte[] packet = new byte[buffer.flip().remaining()];
            buffer.get(packet);
            Thread.ofVirtual().start(() -> answer(packet, false).ifPresent(wire -> send(wire, client)));
        }
    }

    private void send(byte[] wire, SocketAddress client) {
        try {
            udp.send(ByteBuffer.wrap(wire), client);
        } catch (IOException e) {
            // closed meanwhile: the query is dropped
        }
    }

    private void serveTcp() {
        while (tcp.isOpen()) {
            SocketChannel connection;
            try {
                connection = tcp.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(connection);
            Thread.ofVirtual().start(() -> serveConnection(connection));
        }
    }

    /** DNS over TCP: each message is preceded by its length in two bytes; one connection may carry several. */
    private void serveConnection(SocketChannel connection) {
        try (connection) {
            while (true) {
                ByteBuffer length = ByteBuffer.allocate(2);
                if (!readFully(connection, length)) {
                    return;
                }
                ByteBuffer packet = ByteBuffer.allocate(length.flip().getShort() & 0xFFFF);
                if (!readFully(connection, packet)) {
                    return;
                }
                var answer = answer(packet.array(), true);
                if (answer.isPresent()) {
                    ByteBuffer out = ByteBuffer.allocate(2 + answer.get().length);
                    out.putShort((short) answer.get().length).put(answer.get()).flip();
                    while (out.hasRemaining()) {
                        connection.write(out);
                    }
                }
            }
        } catch (IOException e) {
            // the client went away or the server closed
        } finally {
            connections.remove(connection);
        }
    }

    private static boolean readFully(SocketChannel connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (connection.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The wire answer to one query, or empty when it is dropped (unparsable, silent, or closed while delayed). */
    private Optional<byte[]> answer(byte[] packet, boolean overTcp) {
        Message query;
        try {
            query = new Message(packet);
        } catch (IOException e) {
            return Optional.empty();
        }
        Record question = query.getQuestion();
        if (question != null) {
            queries.add(new Query(question.getName().toString(), Type.string(question.getType()), overTcp));
        }
        if (silent) {
            return Optional.empty();
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            return Optional.empty();
        }
        Message response = response(query, question);
        int limit = overTcp ? 65_535 : query.getOPT() == null ? PLAIN_UDP_LIMIT
                : Math.max(PLAIN_UDP_LIMIT, query.getOPT().getPayloadSize());
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(Math.min(limit, 4096), 0, 0), Section.ADDITIONAL);
        }
        return Optional.of(response.toWire(limit));
    }

    private Message response(Message query, Record question) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        if (failure != Rcode.NOERROR) {
            response.getHeader().setRcode(failure);
            return response;
        }
        List<Record> records = zone.get(question.getName());
        if (records == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response;
        }
        for (Record record : records) {
            if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                response.addRecord(record, Section.ANSWER);
                if (additional && record instanceof SRVRecord srv) {
                    addresses(srv.getTarget()).forEach(a -> response.addRecord(a, Section.ADDITIONAL));
                }
            }
        }
        return response;
    }

    private List<Record> addresses(Name name) {
        return zone.getOrDefault(name, List.of()).stream()
                .filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA).toList();
    }

    private static List<Record> parse(Name owner, String... records) {
        List<Record> parsed = new ArrayList<>();
        for (String record : records) {
            String[] typeAndData = record.strip().split("\\s+", 2);
            int type = Type.value(typeAndData[0]);
            if (type < 0 || typeAndData.length < 2) {
                throw new IllegalArgumentException("expected a record type and its data, e.g. \"A 127.0.0.1\": " + record);
            }
            try {
                parsed.add(Record.fromString(owner, type, DClass.IN, TTL_SECONDS, typeAndData[1], Name.root));
            } catch (IOException e) {
                throw new IllegalArgumentException("not a " + typeAndData[0] + " record: " + record + " (" + e.getMessage() + ")", e);
            }
        }
        return List.copyOf(parsed);
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    private static InetAddress literal(String host) {
        try {
            // a literal is parsed, not looked up
            return InetAddress.getByName(host.replaceAll("^\\[|]$", ""));
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IP address: " + host, e);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
