/**
 * The StoreLog launcher: reads configuration (system properties, environment, {@code conf/storelog.yaml}
 * through Helidon Config), finds the plugins, opens the storage engine (recovery), starts the
 * connector and its subscriber, starts HTTP, and shuts all of it down in reverse on SIGTERM. Also the
 * command-line subcommands ({@code serve}, {@code dump}, {@code verify}, {@code plugins},
 * {@code import-gostorelog}).
 */
module storelog.server {
    requires transitive storelog.api; // StoreLogServer.start(Settings) is public
    requires storelog.http;
    requires storelog.gostorelog;
    requires storelog.cluster;
    requires io.helidon.config;
    requires io.helidon.config.yaml;
    requires info.picocli;
    requires java.logging; // ListenerEndWatch: Helidon's listener says on its logger that it ended
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM/SIGINT end in an orderly shutdown with exit code 0

    exports storelog.server;
    opens storelog.server to info.picocli;
}
