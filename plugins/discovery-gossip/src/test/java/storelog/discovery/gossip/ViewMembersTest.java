package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Member;

class ViewMembersTest {

    private static final SharedSecret NONE = SharedSecret.of(null, "c");

    private static Member member(String id, String http) {
        return new Member(id, http, Map.of(Member.RAFT, http + "0"));
    }

    private static Address address(Member member, long boot) {
        return MemberAddress.create(member, boot, NONE);
    }

    @Test
    void membersAreInViewOrderCoordinatorFirst() {
        ViewMembers view = ViewMembers.of(List.of(address(member("c", "h:3"), 1), address(member("a", "h:1"), 1),
                address(member("b", "h:2"), 1)), null);

        assertThat(view.members()).containsExactly(member("c", "h:3"), member("a", "h:1"), member("b", "h:2"));
        assertThat(view.duplicated()).isEmpty();
        assertThat(view.foreign()).isEmpty();
    }

    @Test
    void aNodeIdInTheViewTwiceIsListedOnceWithItsNewestAddressAtThatAddressesPlace() {
        Address oldB = address(member("b", "old:2"), 100);
        Address newB = address(member("b", "new:2"), 200);

        ViewMembers newerLast = ViewMembers.of(List.of(address(member("a", "h:1"), 1), oldB, address(member("c", "h:3"), 1), newB), null);
        ViewMembers newerFirst = ViewMembers.of(List.of(newB, address(member("a", "h:1"), 1), oldB), null);

        assertThat(newerLast.members()).extracting(Member::http).containsExactly("h:1", "h:3", "new:2");
        assertThat(newerLast.duplicated()).containsExactly("b");
        assertThat(newerFirst.members()).extracting(Member::http).containsExactly("new:2", "h:1");
    }

    @Test
    void anAddressOfNoStoreLogMemberIsLeftOutAndReported() {
        UUID stranger = UUID.randomUUID();

        ViewMembers view = ViewMembers.of(List.of(stranger, address(member("a", "h:1"), 1)), null);

        assertThat(view.members()).containsExactly(member("a", "h:1"));
        assertThat(view.foreign()).containsExactly(stranger);
    }

    @Test
    void onTheLocalNodeItsOwnAddressStandsForItsNodeIdEvenWhenAnotherIsNewer() {
        Address local = address(member("b", "me:2"), 100);
        Address impostor = address(member("b", "other:2"), 200);

        ViewMembers localFirst = ViewMembers.of(List.of(local, impostor), local);
        ViewMembers localLast = ViewMembers.of(List.of(impostor, local), local);

        assertThat(localFirst.members()).extracting(Member::http).containsExactly("me:2");
        assertThat(localLast.members()).extracting(Member::http).containsExactly("me:2");
        assertThat(localLast.duplicated()).containsExactly("b");
    }
}
