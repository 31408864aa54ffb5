package storelog.elector.raft;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Raft address, {@code host:port}: a host name or IPv4 address, or an IPv6 address in brackets,
 * and a port from 1 to 65535 (a peer's address must be one the others can dial, so never port 0).
 */
record RaftAddress(String host, int port) {

    private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");

    /** Parses {@code host:port}; empty when it is not one. */
    static java.util.Optional<RaftAddress> parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            return java.util.Optional.empty();
        }
        String host = m.group(1);
        return java.util.Optional.of(new RaftAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port));
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
