package storelog.api.spi;

import java.util.List;

/** Receives membership changes from a {@link Discovery} plugin, in order. */
@FunctionalInterface
public interface MembershipListener {

    /** The member list changed; {@code members} is the whole new list, this node included. */
    void onMembers(List<Member> members);
}
