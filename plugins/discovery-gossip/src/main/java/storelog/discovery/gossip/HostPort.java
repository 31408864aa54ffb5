package storelog.discovery.gossip;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code host:port} as written in settings and seed lists: a host name or IPv4 address, or an IPv6
 * address in brackets ({@code [::1]:7946}), and a port from 0 to 65535. Not resolved.
 *
 * @param host the host without brackets
 * @param port the port
 */
record HostPort(String host, int port) {

    private static final Pattern FORM = Pattern.compile("(?:\\[([0-9A-Fa-f:.%a-zA-Z]+)]|([A-Za-z0-9._-]+)):([0-9]{1,5})");
    static final int MAX_PORT = 65535;

    /** Parses {@code text}, or empty when it is not a {@code host:port} with a port up to 65535. */
    static Optional<HostPort> parse(String text) {
        Matcher matcher = FORM.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(matcher.group(3));
        if (port > MAX_PORT) {
            return Optional.empty();
        }
        return Optional.of(new HostPort(matcher.group(1) != null ? matcher.group(1) : matcher.group(2), port));
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
