package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

class EpochCheckpointTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test).resolve(".cluster");
    }

    @Test
    void aNodeThatNeverSawAnEpochStartsAtZero() {
        assertThat(EpochCheckpoint.open(dir).highest()).isZero();
    }

    @Test
    void aRaisedEpochSurvivesAReopenAndNeverGoesDown() {
        EpochCheckpoint checkpoint = EpochCheckpoint.open(dir);
        assertThat(checkpoint.raise(7)).isTrue();
        assertThat(checkpoint.raise(5)).isFalse();

        assertThat(checkpoint.highest()).isEqualTo(7);
        assertThat(EpochCheckpoint.open(dir).highest()).isEqualTo(7);
    }

    @Test
    void concurrentRaisesKeepTheHighest() throws Exception {
        EpochCheckpoint checkpoint = EpochCheckpoint.open(dir);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            LongStream.rangeClosed(1, 200).forEach(e -> pool.execute(() -> checkpoint.raise(e)));
        }
        assertThat(checkpoint.highest()).isEqualTo(200);
        assertThat(EpochCheckpoint.open(dir).highest()).isEqualTo(200);
    }

    @Test
    void aDamagedCheckpointStopsStartUpInsteadOfStartingFromZero() throws Exception {
        EpochCheckpoint.open(dir).raise(41);
        Path file = dir.resolve(EpochCheckpoint.FILE);
        Files.writeString(file, Files.readString(file).replace("41", "14"));

        assertThatThrownBy(() -> EpochCheckpoint.open(dir)).isInstanceOf(StorageFailedException.class)
                .hasMessageContaining("damaged").hasMessageContaining(file.toString());
    }

    @Test
    void anEmptyOrTruncatedCheckpointIsDamagedToo() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(EpochCheckpoint.FILE), "epoch=9\n");

        assertThatThrownBy(() -> EpochCheckpoint.open(dir)).isInstanceOf(StorageFailedException.class);
    }

    @Test
    void aLeftoverTemporaryFileOfAnInterruptedWriteIsIgnored() throws Exception {
        EpochCheckpoint.open(dir).raise(3);
        Files.writeString(dir.resolve(EpochCheckpoint.FILE + ".tmp"), "epoch=99\ngarbage");

        assertThat(EpochCheckpoint.open(dir).highest()).isEqualTo(3);
        assertThat(dir.resolve(EpochCheckpoint.FILE + ".tmp")).doesNotExist();
    }
}
