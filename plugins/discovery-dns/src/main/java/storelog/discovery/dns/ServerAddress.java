package storelog.discovery.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;

/**
 * The DNS server of {@code DNS_SERVER}: a host name, IPv4 address or IPv6 address, and a port.
 *
 * @param host a host name or an IP address literal (IPv6 without brackets)
 * @param port 1 to 65535
 */
record ServerAddress(String host, int port) {

    static final int DEFAULT_PORT = 53;

    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::([0-9]{1,5}))?");
    private static final Pattern HOST_PORT = Pattern.compile("([^:\\[\\]]+)(?::([0-9]{1,5}))?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

    /**
     * Parses {@code host}, {@code host:port}, {@code [ipv6]}, {@code [ipv6]:port} or a bare IPv6
     * address; the port is {@value #DEFAULT_PORT} when left out.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static ServerAddress parse(String value) {
        String text = value.strip();
        Matcher bracketed = BRACKETED.matcher(text);
        if (bracketed.matches()) {
            return new ServerAddress(ipv6(bracketed.group(1)), port(bracketed.group(2)));
        }
        if (text.indexOf(':') != text.lastIndexOf(':')) {
            return new ServerAddress(ipv6(text), DEFAULT_PORT);
        }
        Matcher hostPort = HOST_PORT.matcher(text);
        if (!hostPort.matches() || !DnsConfig.isDnsName(hostPort.group(1))
                || NUMERIC.matcher(hostPort.group(1)).matches() && !Address.isDottedQuad(hostPort.group(1))) {
            throw new IllegalArgumentException(expected());
        }
        return new ServerAddress(hostPort.group(1), port(hostPort.group(2)));
    }

    /** The address when {@link #host} is an IP literal (nothing is looked up). */
    Optional<InetAddress> literal() {
        int family = host.contains(":") ? Address.IPv6 : Address.IPv4;
        byte[] bytes = Address.toByteArray(host, family);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String ipv6(String text) {
        if (Address.toByteArray(text, Address.IPv6) == null) {
            throw new IllegalArgumentException("not an IPv6 address; " + expected());
        }
        return text;
    }

    private static int port(String digits) {
        if (digits == null) {
            return DEFAULT_PORT;
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is out of range; " + expected());
        }
        return port;
    }

    private static String expected() {
        return "expected host[:port] with a port from 1 to 65535 (default " + DEFAULT_PORT
                + "), e.g. 192.0.2.53, dns.example.com:5353 or [fd00::53]:53";
    }
}
