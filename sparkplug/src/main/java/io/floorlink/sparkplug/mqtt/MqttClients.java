package io.floorlink.sparkplug.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one place FloorLink builds HiveMQ MQTT clients (edge uplink, MQTT connector and discovery, primary host,
 * simulators): server address and the MQTT default ports, automatic reconnect with backoff, TLS from trust and key
 * stores, and the credential of either protocol version. Callers add what is theirs (listeners, will, version).
 */
public final class MqttClients {
    /** The MQTT port of {@code tcp://} servers without a port. */
    public static final int DEFAULT_PORT = 1883;
    /** The MQTT port of {@code ssl://} servers without a port. */
    public static final int DEFAULT_TLS_PORT = 8883;

    private MqttClients() {}

    /**
     * Reconnect backoff: the first retry after {@code initialDelay}, doubling up to {@code maxDelay}.
     *
     * @param initialDelay not null, positive
     * @param maxDelay not null, at least {@code initialDelay}
     */
    public record Reconnect(Duration initialDelay, Duration maxDelay) {
        public Reconnect {
            Objects.requireNonNull(initialDelay, "initialDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
        }
    }

    /** True when the server URI's scheme is {@code ssl} (case-insensitive). */
    public static boolean secure(URI server) {
        return server.getScheme() != null
                && server.getScheme().toLowerCase(Locale.ROOT).equals("ssl");
    }

    /** The server URI's port, or the MQTT default of its scheme (1883, 8883 for {@code ssl}). */
    public static int port(URI server) {
        if (server.getPort() > 0) {
            return server.getPort();
        }
        return secure(server) ? DEFAULT_TLS_PORT : DEFAULT_PORT;
    }

    /**
     * A builder for a {@code tcp://} or {@code ssl://} server URI: TLS when the scheme is {@code ssl} ({@code ssl}
     * if given, else the JVM's default trust).
     *
     * @param clientId not null
     * @param reconnect nullable: no automatic reconnect
     * @param ssl nullable
     */
    public static MqttClientBuilder builder(URI server, String clientId, Reconnect reconnect, MqttClientSslConfig ssl) {
        return builder(
                server.getHost(),
                port(server),
                clientId,
                reconnect,
                ssl != null || !secure(server)
                        ? ssl
                        : MqttClientSslConfig.builder().build());
    }

    /**
     * A builder for a host and port: plain TCP without {@code ssl}, TLS with it.
     *
     * @param reconnect nullable: no automatic reconnect
     * @param ssl nullable
     */
    public static MqttClientBuilder builder(
            String host, int port, String clientId, Reconnect reconnect, MqttClientSslConfig ssl) {
        MqttClientBuilder b = MqttClient.builder()
                .identifier(Objects.requireNonNull(clientId, "clientId"))
                .serverHost(host)
                .serverPort(port);
        if (reconnect != null) {
            b = b.automaticReconnect()
                    .initialDelay(reconnect.initialDelay().toMillis(), TimeUnit.MILLISECONDS)
                    .maxDelay(reconnect.maxDelay().toMillis(), TimeUnit.MILLISECONDS)
                    .applyAutomaticReconnect();
        }
        return ssl == null ? b : b.sslConfig(ssl);
    }

    /**
     * MQTT 5 with a username and password when {@code username} is not null.
     *
     * @param password nullable, already resolved; never logged
     */
    public static Mqtt5ClientBuilder v5(MqttClientBuilder b, String username, String password) {
        Mqtt5ClientBuilder b5 = b.useMqttVersion5();
        if (username == null) {
            return b5;
        }
        return b5.simpleAuth().username(username).password(bytes(password)).applySimpleAuth();
    }

    /**
     * MQTT 3.1.1 with a username and password when {@code username} is not null.
     *
     * @param password nullable, already resolved; never logged
     */
    public static Mqtt3ClientBuilder v3(MqttClientBuilder b, String username, String password) {
        Mqtt3ClientBuilder b3 = b.useMqttVersion3();
        if (username == null) {
            return b3;
        }
        return b3.simpleAuth().username(username).password(bytes(password)).applySimpleAuth();
    }

    /**
     * TLS with the given trust store (servers trusted) and key store (the client's certificate), PKCS12 or JKS,
     * each nullable (the JVM's default for what is left out).
     *
     * @param field the configuration path of the stores, for errors (e.g. {@code uplink.tls})
     * @throws IllegalArgumentException naming {@code field.trust_store} or {@code field.key_store} when a store
     *     cannot be read with its password
     */
    public static MqttClientSslConfig ssl(
            Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword, String field) {
        var b = MqttClientSslConfig.builder();
        if (trustStore != null) {
            String where = field + ".trust_store";
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(loadStore(trustStore, trustStorePassword, where));
                b = b.trustManagerFactory(tmf);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (keyStore != null) {
            String where = field + ".key_store";
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(
                        loadStore(keyStore, keyStorePassword, where),
                        keyStorePassword == null ? new char[0] : keyStorePassword.toCharArray());
                b = b.keyManagerFactory(kmf);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    private static KeyStore loadStore(Path file, String password, String field) {
        try {
            // PKCS12 or JKS, detected from the file's content
            return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + ": cannot read " + file + " (wrong password or not a PKCS12/JKS key store): "
                            + e.getMessage(),
                    e);
        }
    }

    private static byte[] bytes(String password) {
        return password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
    }
}
