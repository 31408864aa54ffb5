package storelog.discovery.dns;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One DNS exchange with one server, on the calling thread, with plain blocking sockets: the query
 * over UDP (EDNS, {@value #UDP_PAYLOAD}-byte answers), and again over TCP when the UDP answer is
 * truncated ({@code TC}). dnsjava builds and parses the messages.
 *
 * <p>Why not dnsjava's {@code SimpleResolver}: its I/O runs on a JVM-wide selector thread that
 * dnsjava starts on first use and stops only from a shutdown hook, so the plugin could not stop
 * every thread it started; and the way to plug other I/O into it ({@code org.xbill.DNS.io}) is
 * not exported by dnsjava 3.6.5's module. Here {@link #close()} ends a query in flight at once (its
 * socket is closed under it).
 *
 * <p>Thread-safe.
 */
final class DnsTransport implements Closeable {

    /** The EDNS UDP payload size offered: 1232 bytes fit every path's MTU (DNS flag day 2020). */
    static final int UDP_PAYLOAD = 1232;
    private static final int MAX_DATAGRAM = 65_535;

    private final SecureRandom ids = new SecureRandom();
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Sends {@code query} to {@code server} and returns its answer, whatever its response code.
     *
     * @throws IOException when no matching answer came within {@code timeout} (per transport), the
     *                     server could not be reached, or the plugin closed
     */
    Message exchange(InetSocketAddress server, Message query, Duration timeout) throws IOException {
        Message sent = query.clone();
        sent.getHeader().setID(ids.nextInt(0x10000));
        sent.addRecord(new OPTRecord(UDP_PAYLOAD, 0, 0), Section.ADDITIONAL);
        byte[] wire = sent.toWire();
        Message answer = failingClearly("UDP", server, () -> udp(server, sent, wire, timeout));
        if (answer.getHeader().getFlag(Flags.TC)) {
            answer = failingClearly("TCP", server, () -> tcp(server, sent, wire, timeout));
        }
        return answer;
    }

    private interface Exchange {
        Message run() throws IOException;
    }

    /** Says which transport and server failed, unless the failure already does (a timeout). */
    private static Message failingClearly(String transport, InetSocketAddress server, Exchange exchange) throws IOException {
        try {
            return exchange.run();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(transport + " query to " + format(server) + " failed: " + e, e);
        }
    }

    /** Closes every socket in use and refuses new ones: queries in flight and later ones fail. */
    @Override
    public void close() {
        closed = true;
        open.forEach(DnsTransport::closeQuietly);
    }

    private Message udp(InetSocketAddress server, Message sent, byte[] wire, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        DatagramSocket socket = track(new DatagramSocket());
        try {
            // connected: only the server's datagrams come in, and an ICMP "port unreachable" fails at once
            socket.connect(server);
            socket.send(new DatagramPacket(wire, wire.length));
            // room for any datagram: a server that ignores the EDNS size still gets through whole
            DatagramPacket packet = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
            while (true) {
                socket.setSoTimeout(remaining(deadline, server, "UDP", timeout));
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    throw timedOut(server, "UDP", timeout);
                }
                Message answer = parse(Arrays.copyOf(packet.getData(), packet.getLength()));
                // a datagram that answers something else (a late or forged one) is skipped
                if (answer != null && answers(answer, sent)) {
                    return answer;
                }
            }
        } finally {
            release(socket);
        }
    }

    private Message tcp(InetSocketAddress server, Message sent, byte[] wire, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket socket = track(new Socket());
        try {
            socket.connect(server, remaining(deadline, server, "TCP", timeout));
            // RFC 1035 4.2.2: over TCP each message is preceded by its length in two bytes
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            socket.setSoTimeout(remaining(deadline, server, "TCP", timeout));
            byte[] bytes = new byte[in.readUnsignedShort()];
            socket.setSoTimeout(remaining(deadline, server, "TCP", timeout));
            in.readFully(bytes);
            Message answer = parse(bytes);
            if (answer == null || !answers(answer, sent)) {
                throw new IOException("the TCP answer of " + format(server) + " does not answer the question " + sent.getQuestion());
            }
            return answer;
        } catch (SocketTimeoutException e) {
            throw timedOut(server, "TCP", timeout);
        } finally {
            release(socket);
        }
    }

    /** RFC 5452 9.1: an answer has the query's id and repeats its question. */
    private static boolean answers(Message answer, Message query) {
        Record asked = query.getQuestion();
        Record echoed = answer.getQuestion();
        return answer.getHeader().getID() == query.getHeader().getID() && answer.getHeader().getFlag(Flags.QR)
                && echoed != null && echoed.getName().equals(asked.getName()) && echoed.getType() == asked.getType()
                && echoed.getDClass() == asked.getDClass();
    }

    private static Message parse(byte[] bytes) {
        try {
            return new Message(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    private <C extends Closeable> C track(C socket) throws IOException {
        open.add(socket);
        if (closed) {
            release(socket);
            throw new IOException("the dns discovery is closed");
        }
        return socket;
    }

    private void release(Closeable socket) {
        open.remove(socket);
        closeQuietly(socket);
    }

    private static int remaining(long deadline, InetSocketAddress server, String transport, Duration timeout)
            throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left < 1) {
            throw timedOut(server, transport, timeout);
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static SocketTimeoutException timedOut(InetSocketAddress server, String transport, Duration timeout) {
        return new SocketTimeoutException("no answer from " + format(server) + " over " + transport + " within "
                + timeout.toMillis() + " ms");
    }

    private static String format(InetSocketAddress server) {
        return Seed.format(server.getAddress(), server.getPort());
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
