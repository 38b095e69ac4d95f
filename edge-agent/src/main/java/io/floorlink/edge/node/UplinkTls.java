package io.floorlink.edge.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/** Reads the uplink's TLS trust and key stores (PKCS12, or JKS by the {@code .jks} suffix). */
final class UplinkTls {
    private UplinkTls() {}

    static KeyStore loadStore(Path file, String password, String field) {
        char[] pw = password == null ? null : password.toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(in, pw);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls." + field + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    static TrustManagerFactory trustManagers(Path file, String password) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(loadStore(file, password, "trust_store"));
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls.trust_store: " + e.getMessage());
        }
    }

    static KeyManagerFactory keyManagers(Path file, String password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(loadStore(file, password, "key_store"), password == null ? new char[0] : password.toCharArray());
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls.key_store: " + e.getMessage());
        }
    }
}
