package storelog.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingStorageEngineTest {

    /**
     * A decorator that swallowed {@link StorageEngine#serving()} would leave the engine under it waiting
     * for its fallback delay: a default method is the one a forwarder forgets.
     */
    @Test
    void servingIsPassedOnToTheDecoratedEngine() {
        List<String> calls = new ArrayList<>();
        StorageEngine recording = (StorageEngine) Proxy.newProxyInstance(StorageEngine.class.getClassLoader(),
                new Class<?>[] {StorageEngine.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    return null;
                });
        StorageEngine decorated = new ForwardingStorageEngine(recording) {
        };

        decorated.serving();

        assertThat(calls).containsExactly("serving");
    }

    @Test
    void everyDefaultMethodOfTheSpiIsForwarded() throws NoSuchMethodException {
        for (Method method : StorageEngine.class.getMethods()) {
            if (method.isDefault() && !method.getName().equals("beginAppendAt")) { // beginAppendAt's default calls appendAt, by contract
                assertThat(ForwardingStorageEngine.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
                        .as(method.getName()).isEqualTo(ForwardingStorageEngine.class);
            }
        }
    }
}
