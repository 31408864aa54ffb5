/**
 * The Redis elector ({@code redis}): a lease on {@code storelog:<SERVICE_NAME>:leader} with a fencing
 * epoch kept in {@code storelog:<SERVICE_NAME>:epoch}, as docs/cluster.md ("Redis: a lease") describes.
 * A drop-in plugin: built as the folder {@code target/plugin/elector-redis/} (this jar, Jedis and its
 * dependencies), loaded by StoreLog as a module layer of its own. Nothing is exported: the elector is
 * reached only through {@link storelog.api.spi.LeaderElectorProvider}.
 *
 * <p>JDK modules the folder needs in the boot layer (PluginFolderIT): {@code java.compiler}
 * (error_prone_annotations, under Gson, requires it), {@code java.management} (commons-pool2) and
 * {@code java.logging} (Jedis' log, through slf4j-jdk14).
 */
module storelog.elector.redis {
    requires storelog.api;
    // Jedis 8 is an automatic module (Automatic-Module-Name in its manifest)
    requires redis.clients.jedis;
    // Jedis logs through SLF4J but, being automatic, cannot say so: without this the module path of
    // the tests would not resolve slf4j-api and Jedis' first class would fail to initialise
    requires org.slf4j;

    provides storelog.api.spi.LeaderElectorProvider with storelog.elector.redis.RedisElectorProvider;
}
