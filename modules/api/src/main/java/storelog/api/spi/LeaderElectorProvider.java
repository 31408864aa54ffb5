package storelog.api.spi;

/** Service provider of a {@link LeaderElector}, chosen by {@link #name()} ({@code ELECTOR} list). */
public interface LeaderElectorProvider extends PluginProvider {

    /** The name used in configuration, e.g. {@code redis}, {@code raft}. */
    String name();

    /** Creates an elector for this node; it does nothing until {@link LeaderElector#start}. */
    LeaderElector open(ElectionContext context);
}
