package io.floorlink.testing;

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
 * persistence, anonymous clients allowed (it plays a plant's or a third party's broker, not FloorLink's own), over TCP
 * or, with {@link #startTls}, over TLS only. HiveMQ does not report the port it bound when configured with 0, so a free port is taken from
 * the OS just before the start and kept across {@link #stop()}/{@link #start()} (to simulate a broker restart).
 */
public final class TestBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final boolean tls;
    private EmbeddedHiveMQ hivemq;

    private TestBroker(Path dir, int port, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.tls = tls;
    }

    /** Generates the configuration below {@code dir} and starts the broker; blocks until it listens. */
    public static TestBroker start(Path dir) throws Exception {
        int port = freePort();
        return start(dir, port, false, """
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                """.formatted(port));
    }

    /**
     * Like {@link #start(Path)} with one TLS listener serving the key and chain of {@code keyStore} (PKCS12, password
     * {@link TestCerts#PASSWORD}), e.g. {@link TestCerts#serverKeyStore}; clients are not asked for a certificate.
     */
    public static TestBroker startTls(Path dir, Path keyStore) throws Exception {
        int port = freePort();
        return start(dir, port, true, """
                    <tls-tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                      <tls>
                        <keystore>
                          <path>%s</path>
                          <password>%s</password>
                          <private-key-password>%s</private-key-password>
                        </keystore>
                        <client-authentication-mode>NONE</client-authentication-mode>
                      </tls>
                    </tls-tcp-listener>
                """.formatted(
                        port, keyStore.toAbsolutePath(), TestCerts.PASSWORD, TestCerts.PASSWORD));
    }

    private static TestBroker start(Path dir, int port, boolean tls, String listener) throws Exception {
        TestBroker b = new TestBroker(dir, port, tls);
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                %s  </listeners>
                  <mqtt>
                    <queued-messages><max-queue-size>100000</max-queue-size></queued-messages>
                  </mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                  <persistence><mode>in-memory</mode></persistence>
                </hivemq>
                """.formatted(listener));
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

    /** {@code tcp://127.0.0.1:<port>}, or {@code ssl://...} for a TLS broker. */
    public URI url() {
        return URI.create((tls ? "ssl" : "tcp") + "://127.0.0.1:" + port);
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
