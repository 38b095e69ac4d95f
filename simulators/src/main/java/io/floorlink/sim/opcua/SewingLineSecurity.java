package io.floorlink.sim.opcua;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Security of a {@link SewingLineSimulator}: which endpoints it offers and whom it lets in. The default,
 * {@link #none()}, is the demo behaviour: one endpoint with security policy None and anonymous access.
 *
 * @param securedEndpoints whether to offer, besides None, the policies Basic256Sha256, Aes128_Sha256_RsaOaep and
 *     Aes256_Sha256_RsaPss, each with Sign and SignAndEncrypt
 * @param noneEndpoint whether to offer the endpoint with security policy None
 * @param pkiDir folder where the generated server certificate is written as {@code server.der} (so a client can
 *     be given it); null for none (the certificate then lives in memory only)
 * @param trustAllClients whether every client application certificate is accepted; when false only those in
 *     {@code trustedClients} (and added later with {@link SewingLineSimulator#trustClientCertificate}) are
 * @param trustedClients client application certificates accepted on the secured endpoints, never null
 * @param anonymous whether anonymous user tokens are accepted
 * @param users user name to password, for UserName tokens (offered only when not empty), never null
 * @param trustedUserCertificates certificates accepted as X.509 user tokens (offered only when not empty)
 * @param serverCertificate the server certificate to use; null to generate a self-signed one at start
 */
public record SewingLineSecurity(
        boolean securedEndpoints,
        boolean noneEndpoint,
        Path pkiDir,
        boolean trustAllClients,
        List<X509Certificate> trustedClients,
        boolean anonymous,
        Map<String, String> users,
        List<X509Certificate> trustedUserCertificates,
        ServerCertificate serverCertificate) {

    /**
     * A server certificate given instead of the generated self-signed one, e.g. issued by a test CA.
     *
     * @param keyPair the certificate's key pair, never null
     * @param chain the certificate first, then its issuers, at least one
     */
    public record ServerCertificate(KeyPair keyPair, List<X509Certificate> chain) {
        public ServerCertificate {
            Objects.requireNonNull(keyPair, "keyPair");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("serverCertificate.chain: at least the certificate itself");
            }
        }
    }

    /** The security policy URI suffixes of the secured endpoints, in the order they are offered. */
    public static final List<String> POLICIES =
            List.of("Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");

    /** Validates; throws {@link IllegalArgumentException} naming the bad field. */
    public SewingLineSecurity {
        trustedClients = List.copyOf(Objects.requireNonNullElse(trustedClients, List.of()));
        users = Map.copyOf(Objects.requireNonNullElse(users, Map.of()));
        trustedUserCertificates = List.copyOf(Objects.requireNonNullElse(trustedUserCertificates, List.of()));
        if (!securedEndpoints && !noneEndpoint) {
            throw new IllegalArgumentException("security: offer at least the None endpoint or the secured ones");
        }
        if (!anonymous && users.isEmpty() && trustedUserCertificates.isEmpty()) {
            throw new IllegalArgumentException("security: no user token accepted (anonymous, users or certificates)");
        }
    }

    /** Security policy None, anonymous access: the demo default. */
    public static SewingLineSecurity none() {
        return new SewingLineSecurity(false, true, null, false, List.of(), true, Map.of(), List.of(), null);
    }

    /** None plus every secured endpoint, anonymous access, every client certificate trusted (for tests). */
    public static SewingLineSecurity securedTrustingAllClients() {
        return new SewingLineSecurity(true, true, null, true, List.of(), true, Map.of(), List.of(), null);
    }

    /** A copy offering (or not) the None endpoint. */
    public SewingLineSecurity withNoneEndpoint(boolean offered) {
        return new SewingLineSecurity(
                securedEndpoints,
                offered,
                pkiDir,
                trustAllClients,
                trustedClients,
                anonymous,
                users,
                trustedUserCertificates,
                serverCertificate);
    }

    /** A copy writing the server certificate to {@code dir/server.der}. */
    public SewingLineSecurity withPkiDir(Path dir) {
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                dir,
                trustAllClients,
                trustedClients,
                anonymous,
                users,
                trustedUserCertificates,
                serverCertificate);
    }

    /** A copy trusting only the given client certificates (plus those added at run time). */
    public SewingLineSecurity withTrustedClients(List<X509Certificate> certificates) {
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                pkiDir,
                false,
                certificates,
                anonymous,
                users,
                trustedUserCertificates,
                serverCertificate);
    }

    /** A copy accepting (or not) anonymous user tokens. */
    public SewingLineSecurity withAnonymous(boolean accepted) {
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                pkiDir,
                trustAllClients,
                trustedClients,
                accepted,
                users,
                trustedUserCertificates,
                serverCertificate);
    }

    /** A copy accepting one more user name and password. */
    public SewingLineSecurity withUser(String username, String password) {
        Map<String, String> more = new LinkedHashMap<>(users);
        more.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                pkiDir,
                trustAllClients,
                trustedClients,
                anonymous,
                more,
                trustedUserCertificates,
                serverCertificate);
    }

    /** A copy serving this certificate (and chain) instead of a generated self-signed one. */
    public SewingLineSecurity withServerCertificate(KeyPair keyPair, List<X509Certificate> chain) {
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                pkiDir,
                trustAllClients,
                trustedClients,
                anonymous,
                users,
                trustedUserCertificates,
                new ServerCertificate(keyPair, chain));
    }

    /** A copy accepting one more certificate as X.509 user token. */
    public SewingLineSecurity withUserCertificate(X509Certificate certificate) {
        return new SewingLineSecurity(
                securedEndpoints,
                noneEndpoint,
                pkiDir,
                trustAllClients,
                trustedClients,
                anonymous,
                users,
                Stream.concat(trustedUserCertificates.stream(), Stream.of(certificate))
                        .toList(),
                serverCertificate);
    }
}
