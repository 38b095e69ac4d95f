package io.floorlink.edge.connector.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Security;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.SecurityMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfigBuilder;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;

/**
 * Builds the Milo clients of the connector and of {@code browse opcua} from the same {@code security:} settings:
 * endpoint selection by policy and mode, application instance certificate, server certificate validation against
 * the PKI folder's trust list, and the user token. One {@link Attempt} per connection attempt remembers why it
 * failed, so the caller can say so clearly.
 */
final class OpcUaClients {
    /** Product URI the client declares. */
    static final String PRODUCT_URI = "urn:floorlink:edge-agent";

    /** Application URI prefix; the connector (or browse) name follows. */
    static final String APPLICATION_URI_PREFIX = "urn:floorlink:edge:opcua:";

    static {
        // Aes256_Sha256_RsaPss signs with SHA256withRSA/PSS, which Milo looks up under a name only Bouncy Castle has.
        if (java.security.Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            java.security.Security.addProvider(new BouncyCastleProvider());
        }
    }

    private OpcUaClients() {}

    /** What one connection attempt ran into, filled by Milo callbacks. */
    static final class Attempt {
        volatile OpcUaPki pki;
        volatile X509Certificate rejectedServerCertificate;
        volatile long rejectionStatus;
        volatile String refusal;
        volatile List<EndpointDescription> offered = List.of();
        volatile boolean selected;
        volatile OpcUaPki.ApplicationCertificate own;
    }

    /**
     * Creates (does not connect) a client. Blocks on GetEndpoints and, in a signing mode, on the PKI folder
     * (creating the application certificate on first use).
     *
     * @param name connector name (or "browse"): the application URI suffix and the certificate file name
     * @throws UaException when the endpoints cannot be read or none fits; {@link #describe} explains it
     * @throws IOException when the PKI folder or the user certificate cannot be used
     */
    static OpcUaClient create(
            URI endpoint,
            Security security,
            String name,
            String applicationName,
            Duration timeout,
            Attempt attempt,
            Consumer<OpcUaClientConfigBuilder> more)
            throws UaException, IOException {
        String host = endpoint.getHost();
        int port = endpoint.getPort() < 0 ? 4840 : endpoint.getPort();
        long timeoutMs = timeout.toMillis();
        String applicationUri = APPLICATION_URI_PREFIX + name;
        if (security.mode() != SecurityMode.NONE) {
            OpcUaPki pki = OpcUaPki.open(security.pkiDir());
            attempt.pki = pki;
            attempt.own = pki.applicationCertificate(name, applicationUri);
            applicationUri = attempt.own.applicationUri();
        }
        X509IdentityProvider x509 = null;
        if (security.certificate() != null) {
            List<X509Certificate> chain = OpcUaPki.readCertificates(security.certificate());
            PrivateKey key = OpcUaPki.readPrivateKey(security.privateKey());
            if (!OpcUaPki.matches(chain.get(0), key)) {
                throw new IOException("security.private_key: " + security.privateKey()
                        + " is not the key of the certificate " + security.certificate());
            }
            x509 = new X509IdentityProvider(chain, key);
        }
        String policyUri = SecurityPolicy.valueOf(security.policy()).getUri();
        MessageSecurityMode mode = MessageSecurityMode.valueOf(security.messageSecurityMode());
        String declaredUri = applicationUri;
        X509IdentityProvider userCertificate = x509;
        return OpcUaClient.create(
                endpoint.toString(),
                endpoints -> {
                    attempt.offered = List.copyOf(endpoints);
                    Optional<EndpointDescription> chosen = endpoints.stream()
                            .filter(e -> policyUri.equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                            .findFirst();
                    if (chosen.isPresent() && security.username() != null) {
                        String why = passwordExposure(chosen.get(), security);
                        if (why != null) {
                            attempt.refusal = why;
                            return Optional.empty();
                        }
                    }
                    attempt.selected = chosen.isPresent();
                    // Servers often advertise a host name the edge box cannot resolve; keep the configured one.
                    return chosen.map(e -> EndpointUtil.updateUrl(e, host, port));
                },
                transport -> transport.setConnectTimeout(uint(Math.min(timeoutMs, 10_000))),
                client -> {
                    client.setApplicationName(LocalizedText.english(applicationName))
                            .setApplicationUri(declaredUri)
                            .setProductUri(PRODUCT_URI)
                            .setRequestTimeout(uint(timeoutMs));
                    if (attempt.own != null) {
                        OpcUaPki.ApplicationCertificate own = attempt.own;
                        client.setKeyPair(own.keyPair())
                                .setCertificate(own.certificate())
                                .setCertificateChain(new X509Certificate[] {own.certificate()})
                                .setCertificateValidator(new RecordingValidator(attempt.pki, attempt));
                    }
                    if (security.username() != null) {
                        client.setIdentityProvider(new UsernameProvider(security.username(), security.password()));
                    } else if (userCertificate != null) {
                        client.setIdentityProvider(userCertificate);
                    }
                    more.accept(client);
                });
    }

    /**
     * Why a password would cross the network readable on this endpoint, or null when it would not: the UserName
     * token is encrypted with the token policy's security policy (the endpoint's when it names none), OPC UA Part 4,
     * 7.41; with policy None it is protected only by a SignAndEncrypt channel.
     */
    static String passwordExposure(EndpointDescription endpoint, Security security) {
        if (security.allowPasswordOverNone()) {
            return null;
        }
        UserTokenPolicy[] tokens = endpoint.getUserIdentityTokens();
        Optional<UserTokenPolicy> token = tokens == null
                ? Optional.empty()
                : Arrays.stream(tokens)
                        .filter(t -> t.getTokenType() == UserTokenType.UserName)
                        .findFirst();
        if (token.isEmpty()) {
            return null; // Milo refuses the identity itself, with its own message
        }
        String tokenPolicy = token.get().getSecurityPolicyUri();
        if (tokenPolicy == null || tokenPolicy.isEmpty()) {
            tokenPolicy = endpoint.getSecurityPolicyUri();
        }
        boolean tokenEncrypted = !SecurityPolicy.None.getUri().equals(tokenPolicy);
        boolean channelEncrypted = endpoint.getSecurityMode() == MessageSecurityMode.SignAndEncrypt;
        if (tokenEncrypted || channelEncrypted) {
            return null;
        }
        return "the server would receive the password in clear text (its UserName token policy has security policy"
                + " None on a " + endpoint.getSecurityMode() + " endpoint); refused. Use mode sign_and_encrypt, or set"
                + " security.allow_password_over_none: true if you accept that risk";
    }

    /** One line on why the attempt failed, naming files and thumbprints where it helps; never a secret. */
    static String describe(Throwable e, Attempt attempt, Security security) {
        X509Certificate rejected = attempt.rejectedServerCertificate;
        if (rejected != null && attempt.pki != null && !untrusted(attempt.rejectionStatus)) {
            return "the server certificate '"
                    + rejected.getSubjectX500Principal().getName() + "' (SHA-1 thumbprint "
                    + OpcUaPki.thumbprint(rejected) + ") was refused: "
                    + OpcUaValues.statusName(new StatusCode(attempt.rejectionStatus))
                    + " (" + hint(attempt.rejectionStatus, attempt.pki) + ")";
        }
        if (rejected != null && attempt.pki != null) {
            String thumb = OpcUaPki.thumbprint(rejected);
            Path file = attempt.pki.rejectedDir().resolve(thumb + ".der");
            return "the server certificate '"
                    + rejected.getSubjectX500Principal().getName() + "' (SHA-1 thumbprint "
                    + thumb + ") is not trusted; it was saved as " + file
                    + ". Check it with the server's administrator, then trust it with: floorlink-edge-agent"
                    + " opcua-certs trust --pki-dir " + attempt.pki.dir() + " " + thumb;
        }
        if (attempt.refusal != null) {
            return attempt.refusal;
        }
        Throwable t = unwrap(e);
        if (t instanceof UaException ua
                && ua.getStatusCode().getValue() == StatusCodes.Bad_ConfigurationError
                && !attempt.selected) {
            String offered = attempt.offered.stream()
                    .map(d -> SecurityPolicy.fromUriSafe(d.getSecurityPolicyUri())
                                    .map(Enum::name)
                                    .orElse(d.getSecurityPolicyUri())
                            + "/" + d.getSecurityMode())
                    .distinct()
                    .collect(Collectors.joining(", "));
            if (!attempt.offered.isEmpty()) {
                return "the server offers no endpoint with security policy " + security.policy() + " and mode "
                        + security.messageSecurityMode() + " (it offers " + offered + ")";
            }
        }
        if (t instanceof UaException ua
                && ua.getStatusCode().getValue() == StatusCodes.Bad_SecurityChecksFailed
                && attempt.own != null) {
            return "the server refused this client (Bad_SecurityChecksFailed): if it does not trust the edge yet,"
                    + " trust the certificate " + attempt.own.file() + " (SHA-1 thumbprint "
                    + OpcUaPki.thumbprint(attempt.own.certificate()) + ", application URI "
                    + attempt.own.applicationUri() + ") on the server";
        }
        if (t instanceof UaException ua) {
            long code = ua.getStatusCode().getValue();
            if (code == StatusCodes.Bad_UserAccessDenied
                    || code == StatusCodes.Bad_IdentityTokenRejected
                    || code == StatusCodes.Bad_IdentityTokenInvalid) {
                return "the server refused the " + security.userToken() + " user token ("
                        + OpcUaValues.statusName(ua.getStatusCode()) + "): check security."
                        + (security.userToken().equals("x509")
                                ? "certificate and private_key"
                                : "username and password")
                        + ", and that the server accepts this token type on this endpoint";
            }
        }
        return plain(t);
    }

    private static String hint(long status, OpcUaPki pki) {
        if (status == StatusCodes.Bad_CertificateRevoked || status == StatusCodes.Bad_CertificateIssuerRevoked) {
            return "revoked by a CRL in " + pki.dir() + "; ask for a new server certificate";
        }
        if (status == StatusCodes.Bad_CertificateRevocationUnknown
                || status == StatusCodes.Bad_CertificateIssuerRevocationUnknown) {
            return "no CRL of its CA: put the CA's current CRL in "
                    + pki.dir().resolve("trusted").resolve("crl") + " (or issuers/crl)";
        }
        if (status == StatusCodes.Bad_CertificateTimeInvalid
                || status == StatusCodes.Bad_CertificateIssuerTimeInvalid) {
            return "expired or not yet valid; check the server's certificate and both clocks";
        }
        return "a broken or untrusted chain: intermediate CAs go in "
                + pki.dir().resolve("issuers").resolve("certs");
    }

    /** Whether a validation status means "not in the trust list" (Milo may report the vaguer SecurityChecksFailed). */
    static boolean untrusted(long status) {
        return status == StatusCodes.Bad_CertificateUntrusted || status == StatusCodes.Bad_SecurityChecksFailed;
    }

    /** Whether the attempt failed because the server's certificate is not trusted. */
    static boolean untrustedServer(Attempt attempt) {
        return attempt.rejectedServerCertificate != null && untrusted(attempt.rejectionStatus);
    }

    static String statusOf(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof UaException ua ? OpcUaValues.statusName(ua.getStatusCode()) : plain(t);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String plain(Throwable t) {
        if (t instanceof UaException ua) {
            Throwable cause = ua.getCause();
            String message = cause != null && cause.getMessage() != null ? cause.getMessage() : ua.getMessage();
            String status = OpcUaValues.statusName(ua.getStatusCode());
            return status + (message != null && !message.isBlank() && !message.contains(status) ? ": " + message : "");
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /**
     * Milo's client-side validator over the trust list as it is on disk at each call (so a certificate trusted
     * meanwhile counts at the next attempt), remembering a refused server certificate for the error message.
     */
    private static final class RecordingValidator implements CertificateValidator {
        /**
         * Milo makes these optional; an expired or revoked server certificate must not pass. Host name, application
         * URI and key usage stay lenient: many plant servers carry self-signed certificates that get them wrong, and
         * the trust list is what an operator decided on.
         */
        private static final Set<ValidationCheck> CHECKS = Set.of(ValidationCheck.VALIDITY, ValidationCheck.REVOCATION);

        private final OpcUaPki pki;
        private final Attempt attempt;

        RecordingValidator(OpcUaPki pki, Attempt attempt) {
            this.pki = pki;
            this.attempt = attempt;
        }

        @Override
        public void validateCertificateChain(
                List<X509Certificate> chain, String applicationUri, String[] validHostNames) throws UaException {
            try {
                new DefaultClientCertificateValidator(pki.trustList(), CHECKS, pki.quarantine())
                        .validateCertificateChain(chain, applicationUri, validHostNames);
            } catch (UaException e) {
                if (!chain.isEmpty()) {
                    attempt.rejectedServerCertificate = chain.get(0);
                    attempt.rejectionStatus = e.getStatusCode().getValue();
                }
                throw e;
            }
        }
    }
}
