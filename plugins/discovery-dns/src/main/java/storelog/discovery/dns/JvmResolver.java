package storelog.discovery.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Keeps dnsjava from becoming the JVM's name resolver.
 *
 * <p>dnsjava's module {@code provides java.net.spi.InetAddressResolverProvider}. The JVM picks its
 * resolver once, at its first name lookup, with {@code ServiceLoader.load(InetAddressResolverProvider.class)}
 * — through the <em>thread's context class loader</em>. StoreLog makes the plugin's loader the
 * context loader while it calls into the plugin, and the resolution thread inherits it; so if the
 * JVM's first lookup ever happened there (e.g. for a {@code DNS_SERVER} host name), the JVM would
 * find dnsjava's provider in this plugin's layer and keep it for every lookup of the whole server,
 * for good. (dnsjava's provider then still hands back the JDK's resolver unless
 * {@code -Dorg.dnsjava.spi.enable=true} is set; this does not rely on that.)
 *
 * <p>{@link #settle()} makes the JVM choose its resolver before any plugin code can look a name
 * up, with the system class loader as the context loader: the choice the server would make without
 * this plugin (dnsjava is not visible to that loader). It runs in the static initializer of
 * {@link DnsDiscoveryProvider}, the first plugin code StoreLog runs. When the JVM has already chosen,
 * it changes nothing.
 */
final class JvmResolver {

    private JvmResolver() {
    }

    /** Makes the JVM choose its name resolver now, as the system class loader sees the providers. */
    static void settle() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            // the first lookup by name chooses the resolver (a literal address would not); localhost
            // comes from the hosts file, so this sends nothing over the network
            InetAddress.getByName("localhost");
        } catch (UnknownHostException e) {
            // the resolver was chosen before the lookup failed
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
