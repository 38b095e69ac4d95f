package io.floorlink.collector.api;

import io.floorlink.collector.HttpConfig;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTPS connector of {@code http.tls}: the only connector when TLS is configured (no plain HTTP beside it). */
final class Https {
    private Https() {}

    static Connector connector(Server server, HttpConfiguration base, HttpConfig http) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(http.tls().keystore().toAbsolutePath().toString());
        ssl.setKeyStorePassword(http.tls().keystorePassword());
        ssl.setKeyStoreType("PKCS12");
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration https = new HttpConfiguration(base);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Reached by IP address on a plant network as often as by name; the certificate is checked by the client.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(
                server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        c.setHost(http.host());
        c.setPort(http.port());
        return c;
    }
}
