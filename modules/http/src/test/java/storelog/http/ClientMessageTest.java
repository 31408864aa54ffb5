package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientMessageTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "record 3 is damaged (file /var/lib/storelog/p/segment_0.store, byte position 16)"
                    + "|record 3 is damaged (file .../segment_0.store, byte position 16)",
            "cannot open partition \"p\" in /data/p: java.nio.file.AccessDeniedException: /data/p/segment_0.index"
                    + "|cannot open partition \"p\" in .../p: java.nio.file.AccessDeniedException: .../segment_0.index",
            "/data/x: No space left on device|.../x: No space left on device",
            "the disk under /data is full|the disk under .../data is full",
            "failed: C:\\storelog\\data\\p\\segment_0.store (denied)|failed: .../segment_0.store (denied)",
            "partition \"/etc/passwd\" does not exist|partition \"/etc/passwd\" does not exist",
            "partition \"a\\\"/b /c\" does not exist, see /x/y|partition \"a\\\"/b /c\" does not exist, see .../y",
            "offset 7 of partition \"p\" is past its end 5|offset 7 of partition \"p\" is past its end 5",
            "see http://host/path and 1/2|see http://host/path and 1/2"})
    void absolutePathsAreShortenedToTheirNameOutsideQuotes(String message, String shown) {
        assertThat(ClientMessage.of(message)).isEqualTo(shown);
    }
}
