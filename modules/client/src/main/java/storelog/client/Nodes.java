package storelog.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which node to ask: the configured base URLs in their order, and the preferred node, the one that
 * last answered (or the leader a 503 pointed to). A request goes to the preferred node first, then to
 * the configured ones in order. Thread-safe.
 */
final class Nodes {

    private final List<URI> configured;
    private final AtomicReference<URI> preferred;

    Nodes(List<URI> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("at least one node URL is required");
        }
        this.configured = List.copyOf(configured);
        this.preferred = new AtomicReference<>(this.configured.get(0));
    }

    /** The nodes to try, in order: the preferred one, then every configured one not tried yet. */
    List<URI> order() {
        Set<URI> order = new LinkedHashSet<>();
        order.add(preferred.get());
        order.addAll(configured);
        return new ArrayList<>(order);
    }

    URI preferred() {
        return preferred.get();
    }

    void prefer(URI node) {
        preferred.set(node);
    }

    /**
     * A node's base URL: {@code http} or {@code https}, with a host, an optional path prefix and
     * neither query nor fragment; a trailing {@code /} is dropped.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a node URL is empty");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("node URL \"" + url + "\" is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("node URL \"" + url + "\" must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("node URL \"" + url + "\" has no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("node URL \"" + url + "\" must not have a query or fragment");
        }
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    /**
     * The leader a 503 from {@code answeredBy} points to: {@code leader_http} is {@code host:port} (or
     * a URL), a {@code Location} header a URL; only its scheme and authority are kept. A hint without
     * a scheme takes the scheme of {@code answeredBy}. Empty when unusable, and when it would go from
     * {@code https} to plain {@code http}: a node cannot talk the client out of TLS.
     */
    static Optional<URI> leader(String hint, URI answeredBy) {
        if (hint == null || hint.isBlank()) {
            return Optional.empty();
        }
        String text = hint.strip();
        String scheme = answeredBy.getScheme().toLowerCase(Locale.ROOT);
        try {
            URI uri = new URI(text.contains("://") ? text : scheme + "://" + text);
            if (uri.getHost() == null || scheme.equals("https") && !"https".equalsIgnoreCase(uri.getScheme())) {
                return Optional.empty();
            }
            return Optional.of(parse(uri.getScheme() + "://" + uri.getRawAuthority()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code node} with {@code pathAndQuery} (starting with {@code /}) appended to its path. */
    static URI resolve(URI node, String pathAndQuery) {
        return URI.create(node + pathAndQuery);
    }
}
