package io.floorlink.edge.testing;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real HiveMQ CE broker in this JVM, bound to 127.0.0.1 with anonymous usage statistics off and in-memory
 * persistence. HiveMQ does not report the port it bound when configured with 0, so a free port is taken from
 * the OS just before the start and kept across {@link #stop()}/{@link #start()} (to simulate a broker restart).
 */
public final class TestBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedHiveMQ hivemq;

    private TestBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Generates the configuration below {@code dir} and starts the broker; blocks until it listens. */
    public static TestBroker start(Path dir) throws Exception {
        TestBroker b = new TestBroker(dir, freePort());
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                  </listeners>
                  <mqtt>
                    <queued-messages><max-queue-size>100000</max-queue-size></queued-messages>
                  </mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                  <persistence><mode>in-memory</mode></persistence>
                </hivemq>
                """.formatted(b.port));
        b.start();
        return b;
    }

    /** (Re)starts the broker on the same port; blocks until it listens. */
    public synchronized void start() throws Exception {
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
    }

    /** Stops the broker; every client connection drops. */
    public synchronized void stop() throws Exception {
        if (hivemq != null) {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
            hivemq = null;
        }
    }

    public int port() {
        return port;
    }

    public URI url() {
        return URI.create("tcp://127.0.0.1:" + port);
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
