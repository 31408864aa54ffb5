package storelog.discovery.gossip;

import java.util.List;
import org.jgroups.Address;
import org.jgroups.PhysicalAddress;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TCPPING;
import org.jgroups.util.Responses;

/**
 * TCPPING whose initial hosts are the seeds as they are now: {@link SeedRefresher} resolves
 * {@code DiscoveryContext.seeds()} periodically and hands the addresses over through
 * {@link #seeds(List)}; every discovery round (the join, and MERGE3's periodic search for other
 * partitions) asks the latest. So a node finds peers that DNS names later, and a node that started
 * alone because no seed answered merges with them once they do.
 *
 * <p>It stands in for TCPPING on the wire (same protocol id), and peers answer with every member they
 * know ({@code return_entire_cache}), so a node seeded with any one member finds the coordinator.
 */
final class SeedPing extends TCPPING {

    private volatile List<PhysicalAddress> seeds;

    SeedPing(List<PhysicalAddress> seeds) {
        setId(ClassConfigurator.getProtocolId(TCPPING.class));
        this.seeds = List.copyOf(seeds);
        this.initial_hosts = this.seeds;
        this.initial_hosts_set_programmatically = true;
        setPortRange(0);
        returnEntireCache(true);
        // a seed that does not answer may hold up the sender for up to TCP's connect timeout: not the timer's thread
        async_discovery_use_separate_thread_per_request = true;
    }

    /** The seeds to ask from the next discovery round on. */
    void seeds(List<PhysicalAddress> seeds) {
        this.seeds = List.copyOf(seeds);
    }

    List<PhysicalAddress> seeds() {
        return seeds;
    }

    @Override
    public void findMembers(List<Address> members, boolean initialDiscovery, Responses responses) {
        // read on the discovery thread, which is the one that uses initial_hosts
        initial_hosts = seeds;
        super.findMembers(members, initialDiscovery, responses);
    }
}
