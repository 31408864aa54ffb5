package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class ChannelConfigTest {

    @Test
    void defaultsAre1024MessagesAndFiveSeconds() {
        ChannelConfig config = ChannelConfig.from(Settings.of(Map.of()));
        assertThat(config.capacity()).isEqualTo(1024);
        assertThat(config.publishTimeoutMillis()).isEqualTo(5000);
    }

    @Test
    void valuesAreReadAndZeroTimeoutIsAllowed() {
        ChannelConfig config = ChannelConfig.from(Settings.of(Map.of(
                "CHANNEL_CAPACITY", " 1 ", "CHANNEL_PUBLISH_TIMEOUT_MS", "0")));
        assertThat(config).isEqualTo(new ChannelConfig(1, 0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CHANNEL_CAPACITY|0|CHANNEL_CAPACITY=0: expected a number from 1",
            "CHANNEL_CAPACITY|-5|CHANNEL_CAPACITY=-5: expected a number from 1",
            "CHANNEL_CAPACITY|lots|CHANNEL_CAPACITY=lots: expected a whole number",
            "CHANNEL_CAPACITY|20000000|CHANNEL_CAPACITY=20000000: expected a number from 1",
            "CHANNEL_PUBLISH_TIMEOUT_MS|-1|CHANNEL_PUBLISH_TIMEOUT_MS=-1: expected a number from 0",
            "CHANNEL_PUBLISH_TIMEOUT_MS|5s|CHANNEL_PUBLISH_TIMEOUT_MS=5s: expected a whole number"})
    void aBadValueIsNamedWithItsVariable(String variable, String value, String message) {
        assertThatThrownBy(() -> new ChannelConnectorProvider().open(Settings.of(Map.of(variable, value))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo(variable);
                    assertThat(e.getMessage()).startsWith(message);
                });
    }
}
