package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.sparkplug.mqtt.MqttClients;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Where the MQTT broker comes from.
 *
 * <p>{@code embedded}: the gateway runs HiveMQ CE in-process, listening on {@code host}:{@code port} (port 0 =
 * any free port) and keeping its files in {@code data_dir}. {@code external}: the gateway connects to {@code
 * url} ({@code tcp://host:port}, or {@code ssl://host:port} with the key material of {@code tls}) with {@code
 * username}/{@code password}; host, port and data_dir are unused.
 * Instead of {@code url}, {@code urls} lists several MQTT servers (Sparkplug 3.0 multiple MQTT servers): the
 * primary host connects to every one of them, each connection with its own STATE will and birth.
 *
 * @param mode {@code embedded} or {@code external}, never null
 * @param host embedded listener bind address, e.g. {@code 127.0.0.1}; binding another address requires auth
 * @param port embedded listener TCP port, 0..65535, 0 meaning any free port
 * @param dataDir embedded broker folder (generated config, data, extensions); required for embedded
 * @param url external broker URL {@code tcp://host:port}; for external exactly one of url and urls is required
 * @param urls external MQTT servers, each {@code tcp://host:port}, at least one, at most {@link #MAX_SERVERS}, no
 *     duplicates; nullable
 * @param username external broker user name, nullable
 * @param password external broker password or {@code ${ENV}} reference, nullable; never logged
 * @param tls nullable. Embedded: a TLS listener next to the plain one ({@link Tls}, key_store or PEM certificate +
 *     private_key). External:
 *     trust and key stores for {@code ssl://} servers (then only with ssl:// urls; the JVM's default trust without
 *     it)
 */
public record BrokerConfig(
        @JsonProperty("mode") String mode,
        @JsonProperty("host") String host,
        @JsonProperty("port") int port,
        @JsonProperty("data_dir") Path dataDir,
        @JsonProperty("url") URI url,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("urls") List<URI> urls,
        @JsonProperty("tls") Tls tls) {

    /** Most MQTT servers one host connects to. */
    public static final int MAX_SERVERS = 16;

    public static final String EMBEDDED = "embedded";
    public static final String EXTERNAL = "external";
    /** The MQTT port used when configuration leaves {@code port} out. */
    public static final int DEFAULT_PORT = MqttClients.DEFAULT_PORT;
    /** The MQTT over TLS port used when an {@code ssl://} url or {@code tls} leaves the port out. */
    public static final int DEFAULT_TLS_PORT = MqttClients.DEFAULT_TLS_PORT;

    public BrokerConfig {
        mode = mode == null ? EMBEDDED : mode.trim().toLowerCase(Locale.ROOT);
        if (EMBEDDED.equals(mode)) {
            if (host == null || host.isBlank()) {
                host = "127.0.0.1";
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker.port must be 0..65535 but was " + port);
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("broker.data_dir is required for an embedded broker");
            }
            if (tls != null) {
                tls.checkListener();
            }
        } else if (EXTERNAL.equals(mode)) {
            if (url != null && urls != null) {
                throw new IllegalArgumentException(
                        "broker.url and broker.urls are exclusive: give one server as url or several as urls");
            }
            if (url == null && urls == null) {
                throw new IllegalArgumentException("broker.url is required for an external broker (tcp://host:port),"
                        + " or broker.urls for several servers");
            }
            if (url != null) {
                checkUrl("broker.url", url);
            } else {
                if (urls.isEmpty() || urls.size() > MAX_SERVERS) {
                    throw new IllegalArgumentException(
                            "broker.urls must list 1.." + MAX_SERVERS + " servers but has " + urls.size());
                }
                for (int i = 0; i < urls.size(); i++) {
                    checkUrl("broker.urls[" + i + "]", urls.get(i));
                }
                if (new HashSet<>(urls).size() != urls.size()) {
                    throw new IllegalArgumentException("broker.urls lists a server twice: " + urls);
                }
                urls = List.copyOf(urls);
            }
            if (tls != null) {
                for (URI u : url != null ? List.of(url) : urls) {
                    if (!"ssl".equalsIgnoreCase(u.getScheme())) {
                        throw new IllegalArgumentException("broker.tls is set but " + u
                                + " is not ssl://host:port; use ssl:// or drop broker.tls");
                    }
                }
                tls.checkClient();
            }
        } else {
            throw new IllegalArgumentException("broker.mode must be 'embedded' or 'external' but was '" + mode + "'");
        }
    }

    private static void checkUrl(String field, URI u) {
        if (u == null
                || !("tcp".equalsIgnoreCase(u.getScheme()) || "ssl".equalsIgnoreCase(u.getScheme()))
                || u.getHost() == null) {
            throw new IllegalArgumentException(field + " must be tcp://host:port or ssl://host:port but was " + u);
        }
    }

    /** Configuration binding: a missing {@code port} means {@link #DEFAULT_PORT}, not "any free port". */
    @JsonCreator
    public static BrokerConfig fromConfig(
            @JsonProperty("mode") String mode,
            @JsonProperty("host") String host,
            @JsonProperty("port") Integer port,
            @JsonProperty("data_dir") Path dataDir,
            @JsonProperty("url") URI url,
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("urls") List<URI> urls,
            @JsonProperty("tls") Tls tls) {
        return new BrokerConfig(
                mode, host, port == null ? DEFAULT_PORT : port, dataDir, url, username, password, urls, tls);
    }

    /** Without TLS. */
    public BrokerConfig(
            String mode,
            String host,
            int port,
            Path dataDir,
            URI url,
            String username,
            String password,
            List<URI> urls) {
        this(mode, host, port, dataDir, url, username, password, urls, null);
    }

    /** An embedded broker on {@code host}:{@code port} keeping its files in {@code dataDir}. */
    public static BrokerConfig embedded(String host, int port, Path dataDir) {
        return new BrokerConfig(EMBEDDED, host, port, dataDir, null, null, null, null);
    }

    /** An external broker at {@code url} ({@code tcp://host:port}); credentials nullable. */
    public static BrokerConfig external(URI url, String username, String password) {
        return new BrokerConfig(EXTERNAL, null, 0, null, url, username, password, null);
    }

    /** Several external MQTT servers ({@code tcp://host:port} each); credentials nullable, the same for all. */
    public static BrokerConfig externalServers(List<URI> urls, String username, String password) {
        return new BrokerConfig(EXTERNAL, null, 0, null, null, username, password, urls);
    }

    /** The external servers: {@code url} alone, or {@code urls}; empty for an embedded broker. */
    public List<URI> servers() {
        if (isEmbedded()) {
            return List.of();
        }
        return url != null ? List.of(url) : urls;
    }

    public boolean isEmbedded() {
        return EMBEDDED.equals(mode);
    }

    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(mode, host, newPort, dataDir, url, username, password, urls, tls);
    }

    public BrokerConfig withHost(String newHost) {
        return new BrokerConfig(mode, newHost, port, dataDir, url, username, password, urls, tls);
    }

    /** This configuration with {@code newTls} (nullable), validated for its mode. */
    public BrokerConfig withTls(Tls newTls) {
        return new BrokerConfig(mode, host, port, dataDir, url, username, password, urls, newTls);
    }

    /** The port of a server url, or the MQTT default of its scheme (1883 for tcp, 8883 for ssl). */
    public static int port(URI server) {
        return MqttClients.port(server);
    }

    @Override
    public String toString() {
        return "BrokerConfig[mode=" + mode + ", host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", url="
                + url + ", urls=" + urls + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + ", tls=" + tls + "]";
    }

    /** {@code broker.tls.client_auth}: whether the embedded TLS listener asks clients for a certificate. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A client certificate is asked for, clients without one are let in. */
        OPTIONAL,
        /** Only clients with a certificate chaining to the trust store complete the handshake. */
        REQUIRED;

        @JsonCreator
        static ClientAuth parse(String value) {
            for (ClientAuth c : values()) {
                if (c.name().equalsIgnoreCase(value.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException(
                    "broker.tls.client_auth must be none, optional or required but was '" + value + "'");
        }
    }

    /**
     * {@code broker.tls:} key material, PKCS12 (or JKS) files, or PEM files for the embedded listener.
     *
     * <p>Embedded broker: a TLS listener on {@code host}:{@code port} (port 0 = any free port, default {@link
     * #DEFAULT_TLS_PORT}) serving the private key and certificate chain of {@code key_store}, or of {@code
     * certificate} + {@code private_key} (exactly one of the two forms), checking client certificates against
     * {@code trust_store} or {@code trust_certificates} as {@code client_auth} says. PEM files are checked at load
     * and converted to PKCS12 stores under the broker's {@code data_dir/conf/} at every start. External broker:
     * {@code trust_store} holds the CAs the server certificate must chain to (nullable: the JVM's default trust),
     * {@code key_store} a client certificate (nullable); {@code port}, {@code client_auth} and the PEM keys are not
     * used there.
     *
     * @param port embedded TLS listener port 0..65535, nullable
     * @param keyStore key store file, nullable
     * @param keyStorePassword its password (also the private key's), or {@code ${ENV}}; never logged
     * @param trustStore trust store file, nullable
     * @param trustStorePassword its password, or {@code ${ENV}}; never logged
     * @param clientAuth embedded only; default {@link ClientAuth#NONE}; {@code required}/{@code optional} need a
     *     trust_store or trust_certificates
     * @param certificate embedded only: PEM file with the server certificate chain, leaf first; nullable
     * @param privateKey embedded only: PEM PKCS#8 private key of the leaf ({@code BEGIN PRIVATE KEY} or {@code
     *     BEGIN ENCRYPTED PRIVATE KEY}); PKCS#1/SEC1 files are refused; nullable
     * @param privateKeyPassword password of an encrypted private_key, or {@code ${ENV}}; never logged; nullable
     * @param trustCertificates embedded only: PEM bundle of the CA certificates of client certificates; nullable
     */
    public record Tls(
            @JsonProperty("port") Integer port,
            @JsonProperty("key_store") Path keyStore,
            @JsonProperty("key_store_password") String keyStorePassword,
            @JsonProperty("trust_store") Path trustStore,
            @JsonProperty("trust_store_password") String trustStorePassword,
            @JsonProperty("client_auth") ClientAuth clientAuth,
            @JsonProperty("certificate") Path certificate,
            @JsonProperty("private_key") Path privateKey,
            @JsonProperty("private_key_password") String privateKeyPassword,
            @JsonProperty("trust_certificates") Path trustCertificates) {

        @JsonCreator
        public Tls {
            if (port != null && (port < 0 || port > 65535)) {
                throw new IllegalArgumentException(
                        "broker.tls.port must be 0..65535 (0 = any free port) but was " + port);
            }
            if (keyStore == null && keyStorePassword != null) {
                throw new IllegalArgumentException("broker.tls.key_store: required with key_store_password");
            }
            if (trustStore == null && trustStorePassword != null) {
                throw new IllegalArgumentException("broker.tls.trust_store: required with trust_store_password");
            }
            if (privateKey == null && privateKeyPassword != null) {
                throw new IllegalArgumentException("broker.tls.private_key: required with private_key_password");
            }
            if (trustStore != null && trustCertificates != null) {
                throw new IllegalArgumentException("broker.tls.trust_certificates and broker.tls.trust_store are"
                        + " exclusive: give the client CAs as a PEM bundle or as a trust store");
            }
            requireReadableFile("broker.tls.key_store", keyStore);
            requireReadableFile("broker.tls.trust_store", trustStore);
            requireReadableFile("broker.tls.certificate", certificate);
            requireReadableFile("broker.tls.private_key", privateKey);
            requireReadableFile("broker.tls.trust_certificates", trustCertificates);
        }

        /** Stores only (PKCS12/JKS), as an external broker's client uses them. */
        public Tls(
                Integer port,
                Path keyStore,
                String keyStorePassword,
                Path trustStore,
                String trustStorePassword,
                ClientAuth clientAuth) {
            this(port, keyStore, keyStorePassword, trustStore, trustStorePassword, clientAuth, null, null, null, null);
        }

        /**
         * The embedded listener's settings: a key store with its password, or certificate + private_key (read,
         * checked to match); client_auth needs trust_store or trust_certificates.
         */
        void checkListener() {
            if (certificate != null || privateKey != null) {
                if (keyStore != null) {
                    throw new IllegalArgumentException("broker.tls.key_store and broker.tls.certificate/private_key"
                            + " are exclusive: give the server key as a key store or as PEM files");
                }
                if (certificate == null) {
                    throw new IllegalArgumentException(
                            "broker.tls.certificate is required with private_key (PEM certificate chain, leaf first)");
                }
                if (privateKey == null) {
                    throw new IllegalArgumentException(
                            "broker.tls.private_key is required with certificate (PEM PKCS#8 private key)");
                }
            } else {
                if (keyStore == null) {
                    throw new IllegalArgumentException(
                            "broker.tls.key_store is required for the embedded broker's TLS listener (PKCS12 file with"
                                    + " the server key and certificate chain), or broker.tls.certificate +"
                                    + " private_key (PEM)");
                }
                if (keyStorePassword == null) {
                    throw new IllegalArgumentException("broker.tls.key_store_password is required with key_store");
                }
            }
            if (clientAuth() != ClientAuth.NONE && trustStore == null && trustCertificates == null) {
                throw new IllegalArgumentException(
                        "broker.tls.client_auth " + clientAuth().name().toLowerCase(Locale.ROOT)
                                + " needs broker.tls.trust_store or broker.tls.trust_certificates (the CAs of client"
                                + " certificates)");
            }
            if (certificate != null) {
                List<X509Certificate> chain = Pem.certificates(certificate, "broker.tls.certificate");
                PrivateKey key = Pem.privateKey(privateKey, resolvedPrivateKeyPassword(), "broker.tls.private_key");
                Pem.checkMatches(key, chain.get(0), "broker.tls.private_key");
            }
            if (trustCertificates != null) {
                Pem.certificates(trustCertificates, "broker.tls.trust_certificates");
            }
        }

        /** For an external broker: port, client_auth and the PEM keys belong to the embedded listener only. */
        void checkClient() {
            if (port != null) {
                throw new IllegalArgumentException(
                        "broker.tls.port is for the embedded broker; an external broker's port is in its ssl:// url");
            }
            if (clientAuth != null) {
                throw new IllegalArgumentException("broker.tls.client_auth is for the embedded broker only");
            }
            if (certificate != null || privateKey != null || privateKeyPassword != null || trustCertificates != null) {
                throw new IllegalArgumentException("broker.tls.certificate, private_key, private_key_password and"
                        + " trust_certificates are for the embedded broker only; an external broker takes key_store"
                        + " and trust_store (PKCS12)");
            }
        }

        /** {@link #port}, or {@link #DEFAULT_TLS_PORT} when not set. */
        public int listenerPort() {
            return port == null ? DEFAULT_TLS_PORT : port;
        }

        /** {@link #clientAuth}, {@link ClientAuth#NONE} when not set. */
        @Override
        public ClientAuth clientAuth() {
            return clientAuth == null ? ClientAuth.NONE : clientAuth;
        }

        /** The key store password with a {@code ${ENV}} or {@code ${file:...}} reference resolved; nullable. */
        public String resolvedKeyStorePassword() {
            return Secrets.resolve(keyStorePassword, "gateway.broker.tls.key_store_password");
        }

        /** The trust store password with a {@code ${ENV}} or {@code ${file:...}} reference resolved; nullable. */
        public String resolvedTrustStorePassword() {
            return Secrets.resolve(trustStorePassword, "gateway.broker.tls.trust_store_password");
        }

        /** The private key password with a {@code ${ENV}} or {@code ${file:...}} reference resolved; nullable. */
        public String resolvedPrivateKeyPassword() {
            return Secrets.resolve(privateKeyPassword, "gateway.broker.tls.private_key_password");
        }

        private static void requireReadableFile(String field, Path file) {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException(field + ": file " + file + " does not exist or is not readable");
            }
        }

        @Override
        public String toString() {
            return "Tls[port=" + port + ", keyStore=" + keyStore + ", trustStore=" + trustStore + ", clientAuth="
                    + clientAuth + ", certificate=" + certificate + ", privateKey=" + privateKey
                    + ", privateKeyPassword=" + (privateKeyPassword == null ? "null" : "***") + ", trustCertificates="
                    + trustCertificates + "]";
        }
    }
}
