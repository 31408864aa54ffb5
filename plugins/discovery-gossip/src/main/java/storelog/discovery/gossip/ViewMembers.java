package storelog.discovery.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgroups.Address;
import storelog.api.spi.Member;

/**
 * The members of a JGroups view, in view order (the coordinator first), each node id once. A node
 * that crashed and restarted quickly can be in the view twice for a moment (its old address is removed
 * only when failure detection notices); the address made last ({@link MemberAddress#bootMillis}) is
 * the live one and is kept, at its own place in the view. The local node's own address always stands
 * for its node id on the local node (another node sharing its NODE_ID is a misconfiguration, logged).
 *
 * @param members    the member list
 * @param duplicated node ids that were in the view more than once
 * @param foreign    addresses that advertise no StoreLog member (left out)
 */
record ViewMembers(List<Member> members, Set<String> duplicated, List<Address> foreign) {

    ViewMembers {
        members = List.copyOf(members);
        duplicated = Set.copyOf(duplicated);
        foreign = List.copyOf(foreign);
    }

    /** The members of {@code view} as the node whose address is {@code local} sees them. */
    static ViewMembers of(List<Address> view, Address local) {
        Map<String, Address> newest = new HashMap<>();
        Set<String> duplicated = new LinkedHashSet<>();
        List<Address> foreign = new ArrayList<>();
        for (Address address : view) {
            MemberAddress.nodeId(address).ifPresentOrElse(id -> {
                Address earlier = newest.putIfAbsent(id, address);
                if (earlier != null) {
                    duplicated.add(id);
                    if (!earlier.equals(local) && (address.equals(local)
                            || MemberAddress.bootMillis(address) > MemberAddress.bootMillis(earlier))) {
                        newest.put(id, address);
                    }
                }
            }, () -> foreign.add(address));
        }
        List<Member> members = new ArrayList<>();
        for (Address address : view) {
            if (newest.containsValue(address)) {
                MemberAddress.member(address).ifPresentOrElse(members::add, () -> foreign.add(address));
            }
        }
        return new ViewMembers(members, duplicated, foreign);
    }
}
