package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import storelog.api.spi.StorageEngineProvider;

class PluginRegistryTest {

    @Test
    void aCallRunWithAPluginsLoaderRunsOnceAlsoWhenItReturnsNull() {
        PluginRegistry registry = PluginRegistry.bootLayer();
        StorageEngineProvider file = registry.storageEngine("file");
        AtomicInteger calls = new AtomicInteger();

        Object result = registry.withLoaderOf(file, () -> {
            calls.incrementAndGet();
            return null;
        });

        assertThat(result).isNull();
        assertThat(calls).hasValue(1);
    }
}
