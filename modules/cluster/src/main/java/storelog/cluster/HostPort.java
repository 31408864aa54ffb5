package storelog.cluster;

import storelog.api.InvalidSettingException;

/**
 * A {@code host:port} address of a setting ({@code SEEDS}, {@code ADVERTISE_ADDR}). IPv6 hosts are
 * written in brackets ({@code [::1]:7946}).
 *
 * @param host a host name or address, without brackets
 * @param port 1 to 65535
 */
record HostPort(String host, int port) {

    /**
     * Parses one address of {@code variable}.
     *
     * @throws InvalidSettingException naming {@code variable} and {@code whole} (the setting's value)
     */
    static HostPort parse(String text, String variable, String whole) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new InvalidSettingException(variable, whole, "expected host:port, not \"" + text + "\"");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new InvalidSettingException(variable, whole, "write an IPv6 host in brackets, e.g. [::1]:7946");
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new InvalidSettingException(variable, whole, "\"" + host + "\" is not a host name or address");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(variable, whole, "the port of \"" + text + "\" is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidSettingException(variable, whole, "port " + port + " is not from 1 to 65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
