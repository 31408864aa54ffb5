package storelog.discovery.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import storelog.api.spi.Member;
import storelog.api.spi.MembershipListener;

/** A membership listener that keeps every list it gets, with the thread and the time it got it. Thread-safe. */
final class Recorder implements MembershipListener {

    /** One call of the listener. */
    record Delivery(List<Member> members, Thread thread, long nanos) {

        Set<String> ids() {
            return members.stream().map(Member::nodeId).collect(Collectors.toSet());
        }
    }

    private final List<Delivery> deliveries = new ArrayList<>();

    @Override
    public synchronized void onMembers(List<Member> members) {
        deliveries.add(new Delivery(members, Thread.currentThread(), System.nanoTime()));
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The node ids of the last list delivered; empty before the first. */
    synchronized Set<String> lastIds() {
        return deliveries.isEmpty() ? Set.of() : deliveries.getLast().ids();
    }

    /** When the listener first got exactly {@code ids} after {@code sinceNanos}, or -1. */
    synchronized long firstNanos(Set<String> ids, long sinceNanos) {
        return deliveries.stream().filter(d -> d.nanos() >= sinceNanos && d.ids().equals(ids)).mapToLong(Delivery::nanos)
                .findFirst().orElse(-1);
    }
}
