package storelog.discovery.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One seed: the gossip address of a node, an IP address and a port. Written {@code 10.0.0.5:7946},
 * or {@code [fd00::5]:7946} for IPv6 (shortest form, RFC 5952), the form of {@code SEEDS}. Seeds
 * sort IPv4 before IPv6, then by address bytes, then by port, so a set of seeds always lists in the
 * same order whatever order the DNS answers came in.
 */
record Seed(InetAddress address, int port) implements Comparable<Seed> {

    private static final Comparator<Seed> ORDER = Comparator
            .<Seed>comparingInt(s -> s.address.getAddress().length)
            .thenComparing(s -> s.address.getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(Seed::port);

    Seed {
        // a plain address: no host name, no IPv6 scope, so equal addresses are equal seeds
        try {
            address = InetAddress.getByAddress(address.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public int compareTo(Seed other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return format(address, port);
    }

    /** {@code address:port}, {@code [address]:port} for IPv6 (also used for DNS servers in logs). */
    static String format(InetAddress address, int port) {
        return address instanceof Inet6Address ? "[" + host(address) + "]:" + port : host(address) + ":" + port;
    }

    /** The address as text, IPv6 in its shortest form. */
    static String host(InetAddress address) {
        return address instanceof Inet6Address ? ipv6(address.getAddress()) : address.getHostAddress();
    }

    /** RFC 5952: lower-case hex groups without leading zeros, the longest run of two or more zero groups as {@code ::}. */
    static String ipv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | bytes[2 * i + 1] & 0xFF;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
