package io.floorlink.broker;

import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.Pem;
import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * HiveMQ CE reads only JKS/PKCS12 stores: PEM {@code certificate} + {@code private_key} and {@code
 * trust_certificates} become PKCS12 files in the broker's {@code conf/} folder, rewritten at every start with a
 * fresh random password that only the (owner-only) config.xml holds.
 */
final class PemStores {
    static final String KEY_STORE = "tls-key-store.p12";
    static final String TRUST_STORE = "tls-trust-store.p12";

    private PemStores() {}

    /** {@code tls} itself without PEM keys, else the same listener with the PEM files converted to stores. */
    static BrokerConfig.Tls toStores(BrokerConfig.Tls tls, Path conf) throws IOException {
        if (tls.certificate() == null && tls.trustCertificates() == null) {
            return tls;
        }
        Files.createDirectories(conf);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path keyStore = tls.keyStore();
        String keyStorePassword = tls.keyStorePassword();
        Path trustStore = tls.trustStore();
        String trustStorePassword = tls.trustStorePassword();
        try {
            if (tls.certificate() != null) {
                List<X509Certificate> chain = Pem.certificates(tls.certificate(), "gateway.broker.tls.certificate");
                PrivateKey key = Pem.privateKey(
                        tls.privateKey(), tls.resolvedPrivateKeyPassword(), "gateway.broker.tls.private_key");
                Pem.checkMatches(key, chain.get(0), "gateway.broker.tls.private_key");
                keyStore = conf.resolve(KEY_STORE);
                keyStorePassword = password;
                writeOwnerOnly(keyStore, Pem.keyStore(key, chain, password.toCharArray()), password);
            }
            if (tls.trustCertificates() != null) {
                trustStore = conf.resolve(TRUST_STORE);
                trustStorePassword = password;
                writeOwnerOnly(
                        trustStore,
                        Pem.trustStore(
                                Pem.certificates(tls.trustCertificates(), "gateway.broker.tls.trust_certificates")),
                        password);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("gateway.broker.tls: cannot make a PKCS12 store from the PEM files: "
                    + e.getClass().getSimpleName());
        }
        return new BrokerConfig.Tls(
                tls.port(), keyStore, keyStorePassword, trustStore, trustStorePassword, tls.clientAuth());
    }

    private static void writeOwnerOnly(Path file, KeyStore store, String password) throws IOException {
        OwnerOnlyFiles.write(file, out -> {
            try {
                store.store(out, password.toCharArray());
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot write the PKCS12 store " + file.getFileName(), e);
            }
        });
    }
}
