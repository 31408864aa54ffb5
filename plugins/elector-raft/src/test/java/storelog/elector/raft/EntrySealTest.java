package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EntrySealTest {

    private final byte[] body = new Command.Observe(42).encode();

    @Test
    void aSealedEntryOpensWithTheSameSecretAndGroupOnly() {
        EntrySeal seal = EntrySeal.of("s3cret", "group-a");
        byte[] sealed = seal.seal(body);

        assertThat(sealed).hasSize(body.length + EntrySeal.TAG_BYTES);
        assertThat(seal.open(sealed)).hasValueSatisfying(b -> assertThat(b).isEqualTo(body));
        assertThat(EntrySeal.of("other", "group-a").open(sealed)).isEmpty();
        assertThat(EntrySeal.of("s3cret", "group-b").open(sealed)).as("not replayable into another group").isEmpty();
        assertThat(seal.open(body)).as("no tag").isEmpty();
        byte[] flipped = sealed.clone();
        flipped[1] ^= 1;
        assertThat(seal.open(flipped)).as("a changed body").isEmpty();
        assertThat(seal.open(Arrays.copyOf(sealed, EntrySeal.TAG_BYTES))).isEmpty();
        assertThat(seal.toString()).doesNotContain("s3cret");
    }

    @Test
    void withoutASecretEntriesAreNeitherTaggedNorChecked() {
        EntrySeal none = EntrySeal.of("", "group-a");
        assertThat(none.seal(body)).isEqualTo(body);
        assertThat(none.open(body)).hasValueSatisfying(b -> assertThat(b).isEqualTo(body));
    }
}
