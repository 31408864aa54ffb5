package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class StoreConfigTest {

    @Test
    void defaultsAreGoStoreLogs() {
        StoreConfig config = StoreConfig.from(Settings.of(Map.of()));
        assertThat(config.dataDir()).isEqualTo(java.nio.file.Path.of("data").toAbsolutePath());
        assertThat(config.maxFileSize()).isEqualTo(10_485_760);
        assertThat(config.fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(config.recoveryDelayMillis()).isEqualTo(10_000);
        assertThat(StoreConfig.from(Settings.of(Map.of("STORE_RECOVERY_DELAY_MS", "0"))).recoveryDelayMillis()).isZero();
    }

    @Test
    void fsyncModesParse() {
        assertThat(FsyncPolicy.parse("never")).isEqualTo(FsyncPolicy.NEVER);
        assertThat(FsyncPolicy.parse("interval:250")).isEqualTo(new FsyncPolicy(FsyncPolicy.Mode.INTERVAL, 250));
        assertThat(FsyncPolicy.parse("interval:250").toString()).isEqualTo("interval:250");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "FSYNC|sometimes|FSYNC=sometimes: expected always, never or interval:<ms>",
            "FSYNC|interval:0|FSYNC=interval:0: expected",
            "FSYNC|interval:x|FSYNC=interval:x: expected",
            "MAX_FILE_SIZE|ten|MAX_FILE_SIZE=ten: expected a whole number",
            "MAX_FILE_SIZE|10|MAX_FILE_SIZE=10: expected a number from 64",
            "STORE_MAX_OPEN_FILES|-1|STORE_MAX_OPEN_FILES=-1: expected a number from 4",
            "STORE_RECOVERY_DELAY_MS|-1|STORE_RECOVERY_DELAY_MS=-1: expected a number from 0 to 3600000"})
    void aBadValueIsNamedWithItsVariable(String variable, String value, String message) {
        assertThatThrownBy(() -> StoreConfig.from(Settings.of(Map.of(variable, value))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo(variable);
                    assertThat(e.value()).isEqualTo(value);
                    assertThat(e.getMessage()).startsWith(message);
                });
    }
}
